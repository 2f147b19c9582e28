/**
 * `npm run bench:vscode`: the stepper measured in a REAL VS Code (code-server 1.139 on Node 24,
 * headless Debian chromium through playwright-core; the tools of test/vscode, installed by
 * scripts/setup-vscode.sh). Needs the production build (the npm script builds first). Two parts:
 *
 * 1. Activation, N fresh starts (default 5): each start is a new code-server with a new profile,
 *    the repo as extensionDevelopmentPath and bench/vscode/hostProbe.ts (bundled) as
 *    extensionTestsPath, run by the smoke-test driver. The probe reads the extension's own
 *    `activationMs()` and the extension host's heap around stepping through the 2,000-node graph.
 *
 * 2. Step command → webview updated, one more fresh start without the probe: the page opens a file,
 *    runs "Backprop: Open Stepper" from the palette, focuses the editor and presses the extension's
 *    keybindings as a user does (Alt+. Step Forward, Alt+/ Step Backward, Alt+, Previous Step).
 *    Each sample runs from the keydown event in the workbench page (its
 *    `event.timeStamp`) to the webview's MutationObserver seeing `#backprop-root[data-cursor]` at the
 *    new step (the webview sets it after marking the current node), and to the next animation frame
 *    after that; both on the browser's clock (`performance.timeOrigin + now()`, comparable across
 *    frames). The driver's own round trip (press → promise resolved, via CDP) is recorded too.
 *    The same for the 2,000-node graph and for buy-apple-orange, in the same run; ratios big/small;
 *    and for the full MNIST net (784-50-10 on 3 images, loaded from an .npz, as "Open Trained Net as
 *    Graph" writes it), with the time from the file opened to the panel drawing its graph.
 *
 * 3. First CodeLens, N fresh starts per variant (default 5), interleaved: code-server opens the
 *    workspace with buy-apple-orange.backprop in the editor (payload openFile), and the page records
 *    (performance.now(), from navigation start) when the first CodeLens is drawn. Variants: this
 *    extension, and a minimal extension that only contributes the language and registers one
 *    CodeLens (same activation events), generated here; with `--baseline DIR` (another checkout
 *    with its dist/ built, e.g. main) a third. Most of that time is VS Code's own start, so the
 *    ratio to the minimal extension is what the extension adds (target ≤ 1.1).
 *
 *   node --import tsx bench/vscode/run.ts [--starts N] [--samples N] [--lens-starts N] [--baseline DIR] [--only-codelens]
 * Writes bench/results-vscode.json. Kills every process it started (code-server's process group,
 * chromium) and removes its temp folders.
 */
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../../test/vscode/browser';
import { makeTempRoot, startCodeServer, type CodeServer } from '../../test/vscode/codeServer';
import { ensureTools, REPO_ROOT } from '../../test/vscode/tools';
import { quickOpen, rootState, runFromPalette, until, type RootState } from '../../test/vscode/ui/workbench';
import { fmt, median, percentile, table } from '../stats';
import { generateLadder } from './ladder';
import { mnistNetFiles } from '../mnistFixture';
import { BENCH_FILES, MNIST_NPZ, type ProbeResult } from './shared';

function argNumber(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

const STARTS = argNumber('--starts', 5);
const LENS_STARTS = argNumber('--lens-starts', 5);
const ONLY_CODELENS = process.argv.includes('--only-codelens');
const BASELINE = ((): string | undefined => {
  const i = process.argv.indexOf('--baseline');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
const SAMPLES = argNumber('--samples', 40);
/** Presses per kind not counted (first messages, JIT warm-up of the webview's update path). */
const WARMUP = 3;
const PROBE_OUT = join(REPO_ROOT, 'out', 'bench', 'vscode', `run-${process.pid}`);
const RESULTS_FILE = join(REPO_ROOT, 'bench', 'results-vscode.json');

function log(s = ''): void {
  process.stdout.write(s + '\n');
}

/** Quiet workbench; no Alt-alone menu focus (the bench presses Alt+keys), no minimap. */
const SETTINGS: Record<string, unknown> = {
  'workbench.colorTheme': 'Default Dark Modern',
  'window.customMenuBarAltFocus': false,
  'editor.minimap.enabled': false,
  'workbench.editor.enablePreview': false,
  'workbench.editor.revealIfOpen': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

function makeWorkspace(root: string): string {
  const ws = join(root, 'bench-ws');
  mkdirSync(ws, { recursive: true });
  writeFileSync(join(ws, BENCH_FILES.big), generateLadder(2000));
  cpSync(join(REPO_ROOT, 'examples', BENCH_FILES.small), join(ws, BENCH_FILES.small));
  const mnist = mnistNetFiles(MNIST_NPZ);
  writeFileSync(join(ws, BENCH_FILES.mnist), mnist.text);
  writeFileSync(join(ws, MNIST_NPZ), mnist.npz);
  return ws;
}

async function bundleProbe(): Promise<string> {
  rmSync(PROBE_OUT, { recursive: true, force: true });
  await build({
    entryPoints: { probe: join(REPO_ROOT, 'bench', 'vscode', 'hostProbe.ts') },
    outdir: PROBE_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return join(PROBE_OUT, 'probe.js');
}

function workbenchUrl(server: CodeServer, workspace: string, probe?: string, extension = REPO_ROOT, openFile?: string): string {
  const remote = (path: string): string => `vscode-remote://${server.authority}${path}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(extension)]];
  if (probe) payload.push(['extensionTestsPath', remote(probe)]);
  if (openFile) payload.push(['openFile', remote(openFile)]);
  return `${server.origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

// ---------------------------------------------------------------------------------------------
// Part 1: fresh starts with the extension-host probe.

async function probeStart(browser: Browser, workspace: string, probe: string): Promise<ProbeResult> {
  const resultFile = join(PROBE_OUT, 'probe-result.json');
  rmSync(resultFile, { force: true });
  const server = await startCodeServer({ smokeTestDriver: true, settings: SETTINGS });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const exit = new Promise<number>((resolveExit) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', () => undefined);
    await page.goto(workbenchUrl(server, workspace, probe));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((r) => (timer = setTimeout(() => r(-1), 120_000)));
    const code = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    if (!existsSync(resultFile)) throw new Error(`the probe wrote no result (workbench exit code ${code})`);
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as ProbeResult;
    if (result.error) throw new Error(`probe: ${result.error}`);
    return result;
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Part 2: keybinding → webview updated.

type Kind = 'stepForward' | 'stepBackward' | 'previousStep';
const KEYS: Record<Kind, string> = {
  stepForward: 'Alt+Period',
  stepBackward: 'Alt+Slash',
  previousStep: 'Alt+Comma',
};

interface Sample {
  /** keydown in the workbench → data-cursor at the new step in the webview, ms (browser clock). */
  domMs: number;
  /** keydown → the first animation frame after that, ms. */
  frameMs: number;
  /** press sent by the driver → the wait in the webview resolved, ms (includes CDP round trips). */
  driverMs: number;
}

interface BenchWindow {
  __bpKeyAt?: number;
  __bpWait?: Promise<{ dom: number; frame: number; current: boolean }>;
}

/** The frame holding #backprop-root once it draws a graph other than the previous one (node count ≠ `differentFrom`), stable for 1 s. */
async function stepperFrameWith(page: Page, differentFrom: number): Promise<{ frame: Frame; nodes: number; firstSeen: number }> {
  let last = -1;
  let stableSince = 0;
  let firstSeen = 0;
  return until(
    'the stepper webview showing the new graph',
    async () => {
      for (const frame of page.frames()) {
        if (frame.isDetached()) continue;
        const found = await frame.$('#backprop-root').catch(() => null);
        if (!found) continue;
        const nodes = await frame.locator('[data-node]').count();
        if (nodes === 0 || nodes === differentFrom) return undefined;
        if (nodes !== last) {
          last = nodes;
          stableSince = Date.now();
          firstSeen = stableSince;
          return undefined;
        }
        return Date.now() - stableSince > 1000 ? { frame, nodes, firstSeen } : undefined;
      }
      return undefined;
    },
    300_000,
  );
}

async function focusEditor(page: Page): Promise<void> {
  await runFromPalette(page, 'View: Focus First Editor Group');
  await until('the .backprop editor focused', () => page.evaluate(() => Boolean(document.activeElement?.closest('.monaco-editor'))), 10_000);
}

async function press(page: Page, frame: Frame, key: string, expected: number): Promise<Sample> {
  await frame.evaluate((want) => {
    const w = window as unknown as BenchWindow;
    const root = document.getElementById('backprop-root');
    if (!root) throw new Error('no #backprop-root');
    w.__bpWait = new Promise((resolveWait, rejectWait) => {
      const seen: string[] = [root.dataset.cursor ?? ''];
      const timer = setTimeout(() => {
        const same = document.getElementById('backprop-root') === root;
        rejectWait(new Error(`cursor never reached ${want} (at ${root.dataset.cursor}; seen ${seen.join(',')}; same root ${same})`));
      }, 30_000);
      const obs = new MutationObserver(() => {
        seen.push(root.dataset.cursor ?? '');
        try {
          if (root.dataset.cursor !== String(want)) return;
          const dom = performance.timeOrigin + performance.now();
          obs.disconnect();
          clearTimeout(timer);
          const current = document.querySelector('[data-current="true"]') !== null;
          requestAnimationFrame(() => resolveWait({ dom, frame: performance.timeOrigin + performance.now(), current }));
        } catch (error) {
          rejectWait(error instanceof Error ? error : new Error(String(error)));
        }
      });
      obs.observe(root, { attributes: true, attributeFilter: ['data-cursor'] });
    });
  }, expected);
  await page.evaluate(() => {
    (window as unknown as BenchWindow).__bpKeyAt = undefined;
  });
  // Node's global performance (not imported: functions passed to evaluate() must not reference imports).
  const t0 = performance.now();
  await page.keyboard.press(key);
  const seen = await frame.evaluate(() => (window as unknown as BenchWindow).__bpWait);
  const driverMs = performance.now() - t0;
  if (!seen) throw new Error('the webview wait vanished');
  // At step 0 no node has run yet, so none is current.
  if (!seen.current && expected > 0) throw new Error(`step ${expected}: no node marked current`);
  const keyAt = await page.evaluate(() => (window as unknown as BenchWindow).__bpKeyAt);
  if (keyAt === undefined) throw new Error(`${key} never reached the workbench page`);
  return { domMs: seen.dom - keyAt, frameMs: seen.frame - keyAt, driverMs };
}

/** Untimed: waits until the panel shows `want` (after a repositioning command). */
async function settle(frame: Frame, want: (s: RootState) => boolean, what: string): Promise<RootState> {
  return until(what, async () => {
    const s = await rootState(frame);
    return want(s) ? s : undefined;
  }, 60_000);
}

/** Brings the stepper to a state where `kind` applies (untimed), then returns that state. */
async function position(page: Page, frame: Frame, kind: Kind, s: RootState): Promise<RootState> {
  const runForward = async (): Promise<RootState> => {
    await runFromPalette(page, 'Backprop: Run Forward Pass');
    await focusEditor(page);
    return settle(frame, (x) => x.phase === 'backward', 'the end of the forward pass');
  };
  const reset = async (): Promise<RootState> => {
    await page.keyboard.press('Alt+Home');
    return settle(frame, (x) => x.cursor === 0, 'the reset');
  };
  switch (kind) {
    case 'stepForward':
      return s.phase === 'forward' ? s : reset();
    case 'stepBackward':
      if (s.phase === 'backward') return s;
      if (s.phase === 'done') await reset();
      return runForward();
    case 'previousStep':
      return s.cursor > 0 ? s : runForward();
  }
}

interface GraphRun {
  file: string;
  nodes: number;
  totalSteps: number;
  /** The file opened (quick open returned) → the panel first showing its nodes, ms (polled every 50 ms or so). */
  openMs: number;
  samples: Record<Kind, Sample[]>;
}

async function measureGraph(page: Page, file: string, previousNodes: number): Promise<GraphRun> {
  await quickOpen(page, file);
  const shown0 = Date.now();
  // The first graph opens the panel; the panel then follows the active .backprop editor.
  if (previousNodes === 0) await runFromPalette(page, 'Backprop: Open Stepper');
  const { frame, nodes, firstSeen } = await stepperFrameWith(page, previousNodes);
  const openMs = firstSeen - shown0;
  log(`${file}: the panel showed ${nodes} nodes ${openMs} ms after the file opened`);
  await focusEditor(page);
  let state = await rootState(frame);
  if (state.cursor !== 0) {
    await page.keyboard.press('Alt+Home');
    state = await settle(frame, (x) => x.cursor === 0, 'the reset');
  }
  const samples: Record<Kind, Sample[]> = { stepForward: [], stepBackward: [], previousStep: [] };
  for (const kind of ['stepForward', 'stepBackward', 'previousStep'] as const) {
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      state = await position(page, frame, kind, state);
      const expected = kind === 'previousStep' ? state.cursor - 1 : state.cursor + 1;
      const sample = await press(page, frame, KEYS[kind], expected);
      if (i >= WARMUP) samples[kind].push(sample);
      state = await rootState(frame);
      if (state.cursor !== expected) throw new Error(`${kind}: expected step ${expected}, panel at ${state.cursor}`);
    }
  }
  return { file, nodes, totalSteps: state.total, openMs, samples };
}

async function latencyStart(browser: Browser, workspace: string): Promise<GraphRun[]> {
  // The smoke-test driver's build of the workbench is the one that honours extensionDevelopmentPath
  // in the payload (as in the probe starts); no extensionTestsPath here, so nothing else runs.
  const server = await startCodeServer({ smokeTestDriver: true, settings: SETTINGS });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      // Capture phase on the window: the first thing to see the key, before VS Code's handlers.
      window.addEventListener(
        'keydown',
        (e) => {
          if (e.altKey && ['Period', 'Slash', 'Comma'].includes(e.code)) (window as unknown as BenchWindow).__bpKeyAt = performance.timeOrigin + e.timeStamp;
        },
        true,
      );
    });
    await page.goto(workbenchUrl(server, workspace));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    try {
      const small = await measureGraph(page, BENCH_FILES.small, 0);
      const big = await measureGraph(page, BENCH_FILES.big, small.nodes);
      const mnist = await measureGraph(page, BENCH_FILES.mnist, big.nodes);
      return [small, big, mnist];
    } catch (error) {
      const shot = join(REPO_ROOT, 'out', 'bench-vscode-failure.png');
      await page.screenshot({ path: shot }).catch(() => undefined);
      log(`[bench:vscode] screenshot of the failure: ${shot}`);
      throw error;
    }
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
  }
}


// ---------------------------------------------------------------------------------------------
// Part 3: navigation start → first CodeLens drawn, this extension vs a minimal one.

/** An extension that does nothing but what the first CodeLens needs: the language and one lens. */
function writeMinimalExtension(root: string): string {
  const dir = join(root, 'minimal-codelens');
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'minimal-codelens',
    publisher: 'bench',
    version: '0.0.1',
    engines: { vscode: '^1.95.0' },
    main: './extension.js',
    activationEvents: ['onLanguage:backprop', 'workspaceContains:**/*.backprop'],
    contributes: { languages: [{ id: 'backprop', extensions: ['.backprop'] }] },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(
    join(dir, 'extension.js'),
    [
      "const vscode = require('vscode');",
      'exports.activate = (context) => {',
      "  context.subscriptions.push(vscode.commands.registerCommand('minimal.noop', () => undefined));",
      '  context.subscriptions.push(',
      "    vscode.languages.registerCodeLensProvider({ language: 'backprop' }, {",
      "      provideCodeLenses: () => [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: 'Open Stepper', command: 'minimal.noop' })],",
      '    }),',
      '  );',
      '};',
      '',
    ].join('\n'),
  );
  return dir;
}

interface LensWindow {
  __bpLensAt?: number;
  __bpWorkbenchAt?: number;
}

/** One fresh start: ms from navigation start to the workbench and to the first CodeLens with text. */
async function lensStart(browser: Browser, workspace: string, extension: string): Promise<{ lensMs: number; workbenchMs: number }> {
  const server = await startCodeServer({ smokeTestDriver: true, settings: SETTINGS });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      // Polled every 10 ms from the document's start. (No named functions in here: tsx would wrap
      // them in a helper the page does not have.)
      const w = window as unknown as LensWindow;
      const timer = setInterval(() => {
        if (w.__bpWorkbenchAt === undefined && document.querySelector('.monaco-workbench')) w.__bpWorkbenchAt = performance.now();
        const lens = document.querySelector('.codelens-decoration');
        if (lens && (lens.textContent ?? '').trim() !== '') {
          w.__bpLensAt = performance.now();
          clearInterval(timer);
        }
      }, 10);
    });
    await page.goto(workbenchUrl(server, workspace, undefined, extension, join(workspace, BENCH_FILES.small)));
    const lensMs = await until('the first CodeLens', () => page.evaluate(() => (window as unknown as LensWindow).__bpLensAt), 120_000);
    const workbenchMs = await page.evaluate(() => (window as unknown as LensWindow).__bpWorkbenchAt ?? NaN);
    return { lensMs, workbenchMs };
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
  }
}

interface LensVariant {
  name: string;
  dir: string;
  lensMs: number[];
  workbenchMs: number[];
}

async function measureFirstLens(browser: Browser, workspace: string, root: string): Promise<LensVariant[]> {
  const variants: LensVariant[] = [
    { name: 'this extension', dir: REPO_ROOT, lensMs: [], workbenchMs: [] },
    { name: 'minimal CodeLens extension', dir: writeMinimalExtension(root), lensMs: [], workbenchMs: [] },
  ];
  if (BASELINE) variants.push({ name: `baseline ${BASELINE}`, dir: BASELINE, lensMs: [], workbenchMs: [] });
  for (let i = 0; i < LENS_STARTS; i++) {
    // Interleaved, and the order turned each round, so a load change hits every variant alike.
    const order = i % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const r = await lensStart(browser, workspace, v.dir);
      v.lensMs.push(r.lensMs);
      v.workbenchMs.push(r.workbenchMs);
      log(`first CodeLens ${i + 1}/${LENS_STARTS} · ${v.name}: ${fmt(r.lensMs, 0)} ms (workbench ${fmt(r.workbenchMs, 0)} ms)`);
    }
  }
  return variants;
}

function reportFirstLens(variants: LensVariant[]): Record<string, unknown> {
  const minimal = variants[1];
  const rows = variants.map((v) => [
    v.name,
    String(v.lensMs.length),
    fmt(median(v.lensMs), 0),
    fmt(Math.min(...v.lensMs), 0),
    fmt(Math.max(...v.lensMs), 0),
    fmt(median(v.workbenchMs), 0),
    minimal ? (median(v.lensMs) / median(minimal.lensMs)).toFixed(3) : '',
  ]);
  log('');
  log(`## Navigation start → first CodeLens drawn (ms, ${LENS_STARTS} fresh starts per variant, interleaved)`);
  log(table(['extension', 'n', 'median', 'min', 'max', 'workbench med', 'ratio to minimal'], rows));
  return Object.fromEntries(
    variants.map((v) => [v.name, { medianMs: median(v.lensMs), values: v.lensMs, workbenchMs: v.workbenchMs, ratioToMinimal: minimal ? median(v.lensMs) / median(minimal.lensMs) : null }]),
  );
}

// ---------------------------------------------------------------------------------------------

interface Stats {
  median: number;
  p90: number;
  count: number;
}
function stats(xs: readonly number[]): Stats {
  return { median: median(xs), p90: percentile(xs, 90), count: xs.length };
}

async function main(): Promise<void> {
  const started = Date.now();
  if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  ensureTools();
  const load0 = loadavg()[0];
  const root = makeTempRoot('backprop-bench-vscode-');
  const workspace = makeWorkspace(root);
  const probe = await bundleProbe();
  const browser = await launchChromium();
  try {
    log(`# Backprop Stepper in a real VS Code (code-server, headless chromium) — ${cpus().length} cores, load ${load0.toFixed(2)}`);
    log('');
    const firstLens = reportFirstLens(await measureFirstLens(browser, workspace, root));
    if (ONLY_CODELENS) {
      const previous = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>) : {};
      writeFileSync(RESULTS_FILE, JSON.stringify({ ...previous, firstCodeLens: { date: new Date().toISOString(), loadavg: [load0, loadavg()[0]], variants: firstLens } }, null, 2) + '\n');
      log(`wrote ${RESULTS_FILE} (firstCodeLens)`);
      return;
    }
    log('');
    const probes: ProbeResult[] = [];
    for (let i = 0; i < STARTS; i++) {
      const r = await probeStart(browser, workspace, probe);
      probes.push(r);
      log(`start ${i + 1}/${STARTS}: activationMs ${fmt(r.activationMs, 2)}, trace ${fmt(r.memory?.traceMB, 2)} MB`);
    }
    const graphs = await latencyStart(browser, workspace);
    const [small, big, mnist] = graphs;

    const kinds = ['stepForward', 'stepBackward', 'previousStep'] as const;
    const all = (g: GraphRun, pick: (s: Sample) => number): number[] => kinds.flatMap((k) => g.samples[k].map(pick));
    const rows: string[][] = [];
    const latency: Record<string, unknown> = {};
    for (const kind of [...kinds, 'all'] as const) {
      const of = (g: GraphRun, pick: (s: Sample) => number): number[] => (kind === 'all' ? all(g, pick) : g.samples[kind].map(pick));
      const entry: Record<string, unknown> = {};
      for (const g of graphs) {
        const dom = stats(of(g, (s) => s.domMs));
        const frame = stats(of(g, (s) => s.frameMs));
        const driver = stats(of(g, (s) => s.driverMs));
        entry[g === big ? 'big' : g === mnist ? 'mnist' : 'small'] = { domMs: dom, frameMs: frame, driverMs: driver };
        rows.push([`${kind} · ${g === mnist ? 'MNIST net, ' : ''}${g.nodes} nodes`, String(dom.count), fmt(dom.median, 1), fmt(dom.p90, 1), fmt(frame.median, 1), fmt(frame.p90, 1), fmt(driver.median, 1)]);
      }
      const ratio = median(of(big, (s) => s.domMs)) / median(of(small, (s) => s.domMs));
      const ratioFrame = median(of(big, (s) => s.frameMs)) / median(of(small, (s) => s.frameMs));
      entry.ratioDom = ratio;
      entry.ratioFrame = ratioFrame;
      latency[kind] = entry;
      rows.push([`${kind} · ratio ${big.nodes}/${small.nodes}`, '', ratio.toFixed(2), '', ratioFrame.toFixed(2), '', '']);
    }
    log('');
    log(`## Step keybinding → webview updated (ms; ${small.file}: ${small.nodes} nodes, ${small.totalSteps} steps; ${big.file}: ${big.nodes} nodes, ${big.totalSteps} steps; ${mnist.file}: 784-50-10 on 3 images from ${MNIST_NPZ}, ${mnist.nodes} nodes, ${mnist.totalSteps} steps)`);
    log(table(['command · graph', 'n', 'DOM med', 'DOM p90', 'frame med', 'frame p90', 'driver med'], rows));
    log('');
    log(`## File opened → panel drawn (ms): ${graphs.map((g) => `${g.file} ${g.openMs}`).join(', ')}`);

    const act = probes.map((p) => p.activationMs).filter((x): x is number => typeof x === 'number');
    const mem = probes.map((p) => p.memory).filter((m) => m !== null);
    log('');
    log(`## Activation (the extension's own activationMs(), ${act.length} fresh starts) and trace memory (extension host heap)`);
    log(
      table(
        ['measure', 'median', 'min', 'max'],
        [
          ['activation ms', fmt(median(act), 2), fmt(Math.min(...act), 2), fmt(Math.max(...act), 2)],
          ['heap before opening the graph, MB', fmt(median(mem.map((m) => m.heapBeforeMB)), 1), '', ''],
          ['heap, 2,000-node graph open at step 0, MB', fmt(median(mem.map((m) => m.heapGraphOpenMB)), 1), '', ''],
          ['heap, whole pass stepped, MB', fmt(median(mem.map((m) => m.heapTraceDoneMB)), 1), '', ''],
          ['trace (stepped − open), MB', fmt(median(mem.map((m) => m.traceMB)), 2), fmt(Math.min(...mem.map((m) => m.traceMB)), 2), fmt(Math.max(...mem.map((m) => m.traceMB)), 2)],
        ],
      ),
    );
    const load1 = loadavg()[0];
    log(`\nload average ${load0.toFixed(2)} → ${load1.toFixed(2)}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
    writeFileSync(
      RESULTS_FILE,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          loadavg: [load0, load1],
          method:
            'keybinding pressed in the focused .backprop editor (playwright keyboard); keydown event.timeStamp in the workbench page → MutationObserver on #backprop-root[data-cursor] in the webview (dom) and the next requestAnimationFrame (frame); driver = CDP round trip',
          warmupPerKind: WARMUP,
          graphs: graphs.map((g) => ({ file: g.file, nodes: g.nodes, totalSteps: g.totalSteps, openMs: g.openMs })),
          latency,
          samples: Object.fromEntries(graphs.map((g) => [g.file, g.samples])),
          activation: { starts: act.length, medianMs: median(act), values: act, wasActiveBeforeProbe: probes.map((p) => p.extensionWasActive) },
          memory: { medianTraceMB: median(mem.map((m) => m.traceMB)), runs: mem },
          firstCodeLens: { date: new Date().toISOString(), variants: firstLens },
        },
        null,
        2,
      ) + '\n',
    );
    log(`wrote ${RESULTS_FILE}`);
  } finally {
    await browser.close().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    rmSync(PROBE_OUT, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench:vscode] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
