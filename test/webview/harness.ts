/**
 * Runs the built panel (dist/webview/main.js + media/webview.css) in headless Debian chromium,
 * inside a page with the same strict nonce CSP the extension uses, a fake `acquireVsCodeApi`, and a
 * fake host that answers the panel's messages from a real `GraphSession` (engine + language).
 */
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createEngine } from '../../src/host/engineBinding';
import { GraphSession, type StepDeltas } from '../../src/host/session';
import type { HostToWebview, WebviewToHost } from '../../src/shared/protocol';
import { uiTextMeta } from '../../src/host/panelHtml';
import { localizeTable, STEPPER_TEXT, type L10nBundle } from '../../src/shared/uiText';
import { launchChromium } from '../vscode/browser';
import { type ThemeName, THEMES, themeCss } from './themes';

export const ROOT = resolve(__dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'webview');
const ORIGIN = 'https://webview.test';
const NONCE = 'bPq2n9Test0nce';

/** Builds dist/webview when it is missing or older than the panel's sources (without wiping dist/). */
export async function ensureBuilt(): Promise<void> {
  const out = join(ROOT, 'dist/webview/main.js');
  const sources = [...listTs(join(ROOT, 'webview')), ...listTs(join(ROOT, 'src/shared')), join(ROOT, 'package.json')];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (!existsSync(out) || statSync(out).mtimeMs < newest) {
    await esbuild.build({
      entryPoints: [join(ROOT, 'webview/main.ts')],
      outfile: out,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'warning',
    });
  }
  mkdirSync(join(ROOT, 'dist/webview'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) {
    const dest = join(ROOT, 'dist/webview', f);
    if (!existsSync(dest)) copyFileSync(join(ROOT, 'node_modules/@vscode/codicons/dist', f), dest);
  }
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Headless Debian chromium with the flags every browser test here uses (one place: test/vscode/browser.ts). */
export function launch(): Promise<Browser> {
  return launchChromium();
}

/**
 * The extension's l10n bundle for a display language, read from l10n/ as VS Code loads it
 * (`bundle.l10n.<language>.json`, or the English `bundle.l10n.json`); a webview gets its strings
 * from it the way the host hands them over (`localizeTable`).
 */
export function l10nBundle(lang: string): L10nBundle {
  const tag = lang.toLowerCase();
  const candidates = [`bundle.l10n.${tag}.json`, `bundle.l10n.${tag.split('-')[0]}.json`, 'bundle.l10n.json'];
  const file = candidates.map((f) => join(ROOT, 'l10n', f)).find((f) => existsSync(f)) ?? join(ROOT, 'l10n/bundle.l10n.json');
  return JSON.parse(readFileSync(file, 'utf8')) as L10nBundle;
}

/**
 * One chromium for the tests of the file (or of the enclosing `describe`): before them `build`
 * (the panel's bundle unless told otherwise) and the launch, after them the close. The returned
 * function gives the browser inside a test, or in a later `before` of a `describe`: at a file's top
 * level Node 20 starts the `before` hooks together, so a top-level one cannot count on it (that is
 * why legibility.test.ts, which measures in its top-level `before`, launches its own).
 */
export function useBrowser(build: () => Promise<void> = ensureBuilt): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    await build();
    browser = await launch();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('no browser: useBrowser launches it in a before hook');
    return browser;
  };
}

/** The webview page, as the extension's `panelHtml` writes it, plus the test's theme and fake API. */
function pageHtml(theme: ThemeName, lang: string, savedState: unknown): string {
  const src = ORIGIN;
  const csp = [
    "default-src 'none'",
    `img-src ${src} data:`,
    `style-src ${src} 'nonce-${NONCE}'`,
    `script-src 'nonce-${NONCE}'`,
    `font-src ${src}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
${uiTextMeta(localizeTable(STEPPER_TEXT, l10nBundle(lang)))}
<link rel="stylesheet" id="vscode-codicon-stylesheet" nonce="${NONCE}" href="${src}/dist/webview/codicon.css">
<link rel="stylesheet" nonce="${NONCE}" href="${src}/media/webview.css">
<style nonce="${NONCE}">${themeCss(theme)}</style>
<script nonce="${NONCE}">
  window.__posted = [];
  window.__violations = [];
  window.__state = ${JSON.stringify(savedState ?? null)};
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
  });
  window.acquireVsCodeApi = () => ({
    postMessage(m) { window.__posted.push(m); if (window.__toHost) window.__toHost(m); },
    getState() { return window.__state; },
    setState(s) { window.__state = s; },
  });
</script>
<title>Backprop Stepper</title>
</head>
<body class="${THEMES[theme].bodyClass}">
<div id="backprop-root" data-cursor="0" data-total="0" data-phase="forward"></div>
<script nonce="${NONCE}" src="${src}/dist/webview/main.js"></script>
</body>
</html>`;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

export interface PanelPage {
  page: Page;
  host: FakeHost;
  /** Console errors, page errors and failed requests seen so far. */
  problems: string[];
  violations(): Promise<string[]>;
  posted(): Promise<WebviewToHost[]>;
  close(): Promise<void>;
}

export interface OpenOptions {
  theme?: ThemeName;
  locale?: string;
  example?: string;
  savedState?: unknown;
  width?: number;
  height?: number;
  /** Source text instead of an example file. */
  source?: string;
  /** Files the source loads (`load("x.npy")`), by the path as written. */
  files?: Record<string, Uint8Array>;
}

/**
 * Opens the panel on an example: waits for `ready`, then the fake host sends `graph`, exactly as
 * the extension does.
 */
export async function openPanel(browser: Browser, opts: OpenOptions = {}): Promise<PanelPage> {
  const theme = opts.theme ?? 'light';
  const locale = opts.locale ?? 'en';
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1100, height: opts.height ?? 620 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html') {
      await route.fulfill({ status: 200, contentType: 'text/html', body: pageHtml(theme, locale, opts.savedState) });
      return;
    }
    const file = join(ROOT, decodeURIComponent(url.pathname));
    const allowed = file.startsWith(join(ROOT, 'dist/webview')) || file.startsWith(join(ROOT, 'media'));
    if (!allowed || !existsSync(file)) {
      await route.fulfill({ status: 404, body: 'not found' });
      return;
    }
    await route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
  });

  const example = opts.example ?? 'buy-apple-orange.backprop';
  const host = new FakeHost(page, `file:///work/examples/${example}`, example, locale);
  // The extension's serializer pins the node of the state the webview saved (the host owns it).
  const savedSelected = (opts.savedState as { selected?: unknown } | undefined)?.selected;
  if (typeof savedSelected === 'number') host.selected = savedSelected;
  host.load(opts.source ?? readFileSync(join(ROOT, 'examples', example), 'utf8'), opts.files);
  await page.exposeFunction('__toHost', (m: WebviewToHost) => host.receive(m));
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => document.querySelector('[data-node]') !== null, undefined, { timeout: 60000 });
  return {
    page,
    host,
    problems,
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted),
    close: () => context.close(),
  };
}

/** Plays the extension's part: a real session, answering `ready`, commands and `goTo` like the host. */
export class FakeHost {
  readonly session: GraphSession;
  /** Every message sent to the panel. */
  readonly sent: HostToWebview[] = [];
  private queue: Promise<void> = Promise.resolve();
  /** The pinned node (the host owns it; the panel shows it). */
  selected: number | null = null;

  constructor(
    private readonly page: Page,
    uri: string,
    fileName: string,
    private readonly locale: string,
  ) {
    this.session = new GraphSession(uri, fileName, createEngine());
  }

  load(source: string, files?: Record<string, Uint8Array>): void {
    const r = this.session.update(source, false, files && new Map(Object.entries(files).map(([path, bytes]) => [path, { bytes }])));
    const err = r.diagnostics.find((d) => d.severity === 'error');
    if (err) throw new Error(`example does not compile: ${err.message} at ${err.range.start.line}:${err.range.start.column}`);
  }

  receive(m: WebviewToHost): void {
    const s = this.session;
    const f = s.forwardSteps;
    const c = s.cursor;
    switch (m.type) {
      case 'ready':
        this.sendGraph();
        if (this.selected !== null) this.post({ type: 'select', node: this.selected });
        break;
      case 'explainElement':
        this.post({ type: 'elementExplain', node: m.node, input: m.input, row: m.row, col: m.col, text: s.explainElement(m.node, m.input, m.row, m.col) ?? null });
        break;
      case 'change':
        if (m.change.kind === 'goTo') this.step(s.goTo(m.change.step));
        if (m.change.kind === 'select') this.selected = m.change.node;
        if (m.change.kind !== 'command') break;
        switch (m.change.command) {
          case 'stepForward':
            if (c < f) this.step(s.goTo(c + 1));
            break;
          case 'stepBackward':
            if (c >= f) this.step(s.goTo(c + 1));
            break;
          case 'nextStep':
            this.step(s.goTo(c + 1));
            break;
          case 'previousStep':
            this.step(s.goTo(c - 1));
            break;
          case 'runForward':
            this.step(s.goTo(Math.max(c, f)));
            break;
          case 'runBackward':
            this.step(s.goTo(s.totalSteps));
            break;
          case 'reset':
            this.step(s.goTo(0));
            break;
          case 'toggleComposite':
            s.setExpanded(!s.expanded);
            this.sendGraph();
            break;
        }
        break;
      default:
        break;
    }
  }

  sendGraph(): void {
    const graph = this.session.graphInfo();
    if (!graph) return;
    const full = this.session.fullState();
    this.post({ type: 'graph', graph, state: this.session.stepState(), nodes: full.nodes, edges: full.edges, locale: this.locale });
  }

  private step(d: StepDeltas | undefined): void {
    if (d) this.post({ type: 'update', state: this.session.stepState(), nodes: d.nodes, edges: d.edges });
  }

  /** Moves the host's cursor directly (as a palette command would) and sends the update. */
  goTo(step: number): Promise<void> {
    this.step(this.session.goTo(step));
    return this.flushed();
  }

  post(msg: HostToWebview): void {
    this.sent.push(msg);
    // In order, like VS Code's postMessage.
    this.queue = this.queue.then(() => this.page.evaluate((m) => window.postMessage(m, '*'), msg)).catch(() => undefined);
  }

  flushed(): Promise<void> {
    return this.queue;
  }
}
