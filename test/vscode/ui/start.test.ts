/**
 * `npm start` without a desktop `code` command: it serves the packaged extension with code-server
 * on 127.0.0.1, prints one line with a URL that opens examples/buy-apple.backprop with the stepper
 * beside it (the secondary side bar closed), and on Ctrl-C stops code-server completely. Run again,
 * it repackages nothing and keeps the profile: a theme the user chose is still there.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../browser';
import { REPO_ROOT } from '../tools';
import { stepperFrame, until, vsixPath } from './workbench';

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
  exited: Promise<number | null>;
}

const profile = mkdtempSync(join(tmpdir(), 'backprop-start-profile-'));
const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // gone
  }
}

async function start(): Promise<Started> {
  // Its own process group, as in a terminal, so "Ctrl-C" (SIGINT to the group) reaches it all.
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BACKPROP_NO_CODE: '1', BACKPROP_START_PROFILE: profile },
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await until('npm start to print the URL', async () => /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(output)?.[0], 180_000);
  return { child, output: () => output, url, exited };
}

async function ctrlC(s: Started): Promise<void> {
  killGroup(s.child, 'SIGINT');
  const code = await s.exited;
  running.delete(s.child);
  assert.equal(code, 0, `npm start exit code; output:\n${s.output()}`);
  const stillUp = await fetch(`${new URL(s.url).origin}/healthz`).then(
    () => true,
    () => false,
  );
  assert.equal(stillUp, false, 'code-server still answers after Ctrl-C');
}

/** The lines npm start printed besides a rebuild notice (which only comes when sources changed). */
function printed(s: Started): string[] {
  return s
    .output()
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('[start] building'));
}

describe('npm start (code-server)', { timeout: 400_000 }, () => {
  let browser: Browser | undefined;

  after(async () => {
    await browser?.close().catch(() => undefined);
    // Ctrl-C first, so npm start stops its code-server (its own process group) itself; then kill.
    for (const child of running) {
      const gone = new Promise((r) => child.once('exit', r));
      killGroup(child, 'SIGINT');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      killGroup(child, 'SIGKILL');
    }
    rmSync(profile, { recursive: true, force: true });
  });

  /** A browser page on `url`; the browser is closed after `use`, whatever happens. */
  async function withPage(url: string, use: (page: Page) => Promise<void>): Promise<void> {
    browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url);
      await use(page);
    } finally {
      await browser.close().catch(() => undefined);
      browser = undefined;
    }
  }

  it('prints one line with a URL that opens buy-apple.backprop with the stepper beside it, and Ctrl-C stops the server', async () => {
    const s = await start();
    await withPage(s.url, async (page) => {
      const tab = page.locator('.tabs-container .tab[aria-label^="buy-apple.backprop"]').first();
      await tab.waitFor({ timeout: 60_000 });
      // The stepper opens by itself, beside the editor, with the book's graph.
      const frame = await stepperFrame(page);
      assert.ok((await frame.locator('[data-node="price"]').count()) > 0, 'the panel shows buy-apple’s graph');
      const webview = await page.locator('iframe.webview.ready').first().boundingBox();
      const editorTab = await tab.boundingBox();
      assert.ok(webview && editorTab && webview.x > editorTab.x + editorTab.width, 'the stepper is in the group right of the editor');
      assert.equal(await page.locator('.part.auxiliarybar').isVisible(), false, 'the secondary side bar is closed');
      assert.ok(webview.width > 500, `the stepper has room: ${webview.width} px`);
      assert.deepEqual(printed(s).length, 1, `one line with the URL; got:\n${s.output()}`);
    });
    await ctrlC(s);
  });

  it('run again, it repackages nothing and keeps the profile’s settings (a light theme chosen by the user)', async () => {
    const settingsFile = join(profile, 'user-data', 'User', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(settingsFile, JSON.stringify({ ...settings, 'workbench.colorTheme': 'Default Light Modern', 'backprop.mnistPath': '/data/mnist' }, null, 2));
    const packaged = statSync(vsixPath()).mtimeMs;

    const s = await start();
    assert.deepEqual(printed(s), s.output().split('\n').filter((l) => l.trim() !== ''), `no rebuild; output:\n${s.output()}`);
    assert.equal(printed(s).length, 1, `one line; got:\n${s.output()}`);
    assert.equal(statSync(vsixPath()).mtimeMs, packaged, 'the .vsix was made again');
    const kept = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    assert.equal(kept['workbench.colorTheme'], 'Default Light Modern');
    assert.equal(kept['backprop.mnistPath'], '/data/mnist');

    await withPage(s.url, async (page) => {
      await page.locator('.monaco-workbench.vs').waitFor({ timeout: 60_000 });
      await stepperFrame(page);
    });
    await ctrlC(s);
  });
});
