/**
 * `npm start` without a desktop `code` command: it packages the extension, serves it with
 * code-server on 127.0.0.1, prints a URL that opens examples/buy-apple.backprop, and on Ctrl-C
 * stops code-server completely.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../browser';
import { REPO_ROOT } from '../tools';
import { runFromPalette, stepperFrame, until } from './workbench';

describe('npm start (code-server)', { timeout: 300_000 }, () => {
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  let output = '';

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  it('prints a URL that opens buy-apple.backprop with the extension, and Ctrl-C stops the server', async () => {
    // Its own process group, as in a terminal, so "Ctrl-C" (SIGINT to the group) reaches it all.
    child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BACKPROP_NO_CODE: '1' },
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));

    const url = await until('npm start to print the URL', async () => /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(output)?.[0], 180_000);
    const origin = new URL(url).origin;

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.locator('.tabs-container .tab[aria-label^="buy-apple.backprop"]').first().waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    await runFromPalette(page, 'Backprop: Open Stepper');
    const frame = await stepperFrame(page);
    assert.ok((await frame.locator('[data-node="price"]').count()) > 0, 'the panel shows buy-apple’s graph');
    await browser.close();
    browser = undefined;

    assert.ok(child.pid !== undefined);
    process.kill(-child.pid, 'SIGINT');
    const code = await exited;
    assert.equal(code, 0, `npm start exit code; output:\n${output}`);
    const stillUp = await fetch(`${origin}/healthz`).then(
      () => true,
      () => false,
    );
    assert.equal(stillUp, false, 'code-server still answers after Ctrl-C');
  });
});
