/**
 * Drives a real VS Code (code-server) in headless chromium the way a user does: the packaged .vsix
 * installed into a fresh profile, commands run from the command palette by their titles, numbers
 * read from the webview's data- attributes and the sidebar's rows. Screenshots go to test-artifacts/.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { launchChromium } from '../browser';
import { installVsix, makeTempRoot, startCodeServer, type CodeServer } from '../codeServer';
import { buildKoreanPack, registerKorean } from '../koreanPack';
import { ensureTools, REPO_ROOT } from '../tools';
import { makeExamplesWorkspace } from '../workspace';

export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

export function vsixPath(): string {
  const { name, version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return join(REPO_ROOT, `${name}-${version}.vsix`);
}

export interface Workbench {
  page: Page;
  server: CodeServer;
  workspace: string;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  theme?: 'Default Light Modern' | 'Default Dark Modern';
  /** 'ko': VS Code in Korean, with the test-only language pack of koreanPack.ts. */
  locale?: 'ko';
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** code-server's `--log` level. */
  logLevel?: string;
  /** Collects the page's console (the window log, at `--log trace`) from before navigation. */
  console?: string[];
}

/** code-server with our .vsix installed and the examples workspace open in chromium. */
export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const vsix = vsixPath();
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  ensureTools();
  const root = makeTempRoot('backprop-ui-');
  const workspace = makeExamplesWorkspace(root);
  const extensionsDir = join(root, 'extensions');
  await installVsix(vsix, extensionsDir, join(root, 'install-profile'));
  if (options.locale === 'ko') {
    const pack = buildKoreanPack(root);
    await installVsix(pack.vsix, extensionsDir, join(root, 'install-profile'));
    registerKorean(join(root, 'user-data'), extensionsDir);
  }
  const server = await startCodeServer({
    root,
    extensionsDir,
    locale: options.locale,
    logLevel: options.logLevel,
    settings: {
      'workbench.colorTheme': options.theme ?? 'Default Dark Modern',
      'editor.minimap.enabled': false,
      'editor.quickSuggestions': { other: false, comments: false, strings: false },
      'editor.suggestOnTriggerCharacters': false,
      'editor.acceptSuggestionOnEnter': 'off',
      'workbench.editor.enablePreview': false,
      // Quick Open of a file shown beside the panel goes to that editor instead of covering the panel.
      'workbench.editor.revealIfOpen': true,
      'problems.defaultViewMode': 'list',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      ...options.settings,
    },
  });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const collected = options.console;
    if (collected) page.on('console', (m) => collected.push(m.text()));
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The explorer shows the workspace once the remote file system is connected.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    const opened = browser;
    return {
      page,
      server,
      workspace,
      close: async () => {
        await opened.close().catch(() => undefined);
        await server.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The workbench of the tests in the enclosing `describe`: opened with `options` before them, closed
 * after them. The returned function gives it inside a test or a later `before` of that `describe`
 * (not of a file's top level, where Node 20 starts the `before` hooks together).
 */
export function useWorkbench(options: WorkbenchOptions = {}): () => Workbench {
  let wb: Workbench | undefined;
  before(async () => {
    wb = await openWorkbench(options);
  });
  after(async () => {
    await wb?.close();
  });
  return () => {
    if (!wb) throw new Error('no workbench: useWorkbench opens it in a before hook');
    return wb;
  };
}

/** Rows of the open quick input (command palette, quick open). */
function quickInputRows(page: Page): Locator {
  return page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
}

async function openQuickInput(page: Page, key: string, prefix: string, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  let lastError: unknown;
  // While the workbench is still starting, an editor opening or a view restoring can take the focus
  // and close the quick input right after it opened: open it again.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Escape anything open (a previous quick input, a notification's focus) first.
      await page.keyboard.press('Escape');
      await page.keyboard.press(key);
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`${prefix}${text}`, { timeout: 5_000 });
      return;
    } catch (error) {
      lastError = error;
      await page.waitForTimeout(500);
    }
  }
  await screenshot(page, `failure-quick-input-${text.replace(/\W+/g, '-')}`).catch(() => undefined);
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/**
 * Runs a command from the command palette by its exact title ("Backprop: Step Forward"): F1, type
 * it, wait for the filtered row with that title and click it. Pressing Enter before the list has
 * filtered can run a different command, so the row is always waited for.
 */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  const row = quickInputRows(page).filter({
    has: page.locator('.quick-input-list-label .label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
  });
  // The palette lists the commands known when it opened: one opened while the workbench was still
  // loading extensions lacks ours, so it is closed and opened again until the row shows.
  const deadline = Date.now() + 20_000;
  for (;;) {
    await openQuickInput(page, 'F1', '>', title);
    try {
      await row.first().waitFor({ state: 'visible', timeout: 4_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await screenshot(page, `failure-palette-${title.replace(/\W+/g, '-')}`).catch(() => undefined);
        throw error;
      }
    }
  }
  await row.first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Opens a workspace file with Quick Open (Ctrl+P), by its file name. */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  await openQuickInput(page, 'Control+P', '', fileName);
  const row = quickInputRows(page).filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(fileName)}$`) }),
  });
  await row.first().waitFor({ state: 'visible', timeout: 15_000 });
  await row.first().click();
  await page.locator(`.tabs-container .tab[aria-label^="${fileName}"]`).first().waitFor({ timeout: 10_000 });
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Polls until `probe` gives something truthy. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The webview's document is nested in iframes: the frame that holds `#backprop-root`, once it shows
 * a graph (the root exists before the host's first message has arrived, with data-total 0).
 */
export async function stepperFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  // Generous: on a loaded machine a new webview (or the first one after a reload) can take a while.
  return until('the stepper webview (#backprop-root) showing a graph', async () => {
    for (const frame of page.frames()) {
      if (frame.isDetached()) continue;
      const found = await frame.$('#backprop-root').catch(() => null);
      if (!found) continue;
      const total = Number(await found.getAttribute('data-total'));
      const nodes = await frame.locator('[data-node]').count();
      if (total > 0 && nodes > 0) return frame;
    }
    return undefined;
  }, timeoutMs);
}

/**
 * Opens `fileName` with Quick Open, runs `command` from the palette ("Backprop: Open Stepper" unless
 * told otherwise) and gives the stepper's frame once it shows the graph.
 */
export async function openStepper(page: Page, fileName: string, command = 'Backprop: Open Stepper'): Promise<Frame> {
  await quickOpen(page, fileName);
  await runFromPalette(page, command);
  return stepperFrame(page);
}

export interface RootState {
  cursor: number;
  total: number;
  phase: string;
}

export async function rootState(frame: Frame): Promise<RootState> {
  const root = frame.locator('#backprop-root');
  const [cursor, total, phase] = await Promise.all([
    root.getAttribute('data-cursor'),
    root.getAttribute('data-total'),
    root.getAttribute('data-phase'),
  ]);
  return { cursor: Number(cursor), total: Number(total), phase: phase ?? '' };
}

/** Waits for the panel's cursor to reach `cursor` (the webview updates asynchronously). */
export async function waitCursor(frame: Frame, cursor: number): Promise<RootState> {
  return until(`the panel at step ${cursor}`, async () => {
    const s = await rootState(frame);
    return s.cursor === cursor ? s : undefined;
  });
}

/** A node's `data-value` / `data-grad` parsed from JSON, or undefined when the attribute is absent. */
export async function nodeData(frame: Frame, label: string, attr: 'data-value' | 'data-grad'): Promise<unknown> {
  const el = frame.locator(`[data-node="${label}"]`).first();
  const raw = await el.getAttribute(attr, { timeout: 5_000 });
  return raw === null ? undefined : (JSON.parse(raw) as unknown);
}

export function asScalar(v: unknown): number {
  let x = v;
  while (Array.isArray(x) && x.length === 1) x = x[0] as unknown;
  if (typeof x !== 'number') throw new Error(`not a scalar: ${JSON.stringify(v)}`);
  return x;
}

export function close(a: number, b: number, tol = 1e-9): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

export interface TreeRow {
  label: string;
  description: string;
}

/** The rows of a sidebar view ("Nodes"), as label + description text. */
export async function viewRows(page: Page, viewTitle: string): Promise<TreeRow[]> {
  const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRegExp(viewTitle)}`, 'i') }) });
  const rows = pane.first().locator('.pane-body .monaco-list-row');
  const n = await rows.count();
  const out: TreeRow[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows.nth(i);
    out.push({
      label: ((await row.locator('.label-name').first().textContent()) ?? '').trim(),
      description: ((await row.locator('.label-description').first().textContent().catch(() => '')) ?? '').trim(),
    });
  }
  return out;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Shows the Backprop view container (activity bar) so its Nodes and Examples views render. */
export async function showBackpropSidebar(page: Page): Promise<void> {
  const item = page.locator('.activitybar .action-item').filter({ has: page.locator('.action-label[aria-label="Backprop"]') });
  await item.first().waitFor({ timeout: 10_000 });
  const checked = await item.first().getAttribute('aria-selected');
  const expanded = await item.first().locator('.action-label').getAttribute('aria-expanded');
  if (checked !== 'true' && expanded !== 'true') await item.first().click();
  await page.locator('.pane-header', { hasText: /Nodes/i }).first().waitFor({ timeout: 10_000 });
}

/** A screenshot of the stepper panel alone (the webview element), for the README. */
export async function screenshotPanel(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.locator('iframe.webview.ready').first().screenshot({ path: file });
  return file;
}
