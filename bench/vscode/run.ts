/**
 * `npm run bench:vscode`: the stepper measured in a REAL VS Code (code-server 1.139 on Node 24,
 * headless Debian chromium through playwright-core; the tools of test/vscode, installed by
 * scripts/setup-vscode.sh). Needs the production build (the npm script builds first). Three parts:
 *
 * 1. Activation, N fresh starts (default 5): each start is a new code-server with a new profile,
 *    the repo as extensionDevelopmentPath and bench/vscode/hostProbe.ts (bundled) as
 *    extensionTestsPath, run by the smoke-test driver. The probe reads the extension's own
 *    `activationMs()` and the extension host's heap around stepping through the 2,000-node graph.
 *
 * 2. Step command → webview updated, --runs fresh starts (default 3) without the probe, each with
 *    the floor extension of floor.ts installed beside the stepper: the page opens a file, runs
 *    "Backprop: Open Stepper" from the palette, opens floor.floor and "Floor: Open Panel" (a
 *    webview under the stepper's), focuses the editor and presses the keybindings as a user does
 *    (Alt+. Step Forward, Alt+/ Step Backward, Alt+, Previous Step). The stepper (in the .backprop
 *    editor) and the floor (in floor.floor, same keys) take --rounds turns each (default 4, the
 *    order turned every round). Each sample runs from the keydown event in the workbench page (its
 *    `event.timeStamp`) to the webview's MutationObserver seeing `#backprop-root[data-cursor]` at the
 *    new step (DOM; the stepper sets it after marking the current node), to the first animation
 *    frame after that and to the second (painted: the frame with the change has been drawn); all on
 *    the browser's clock (`performance.timeOrigin + now()`, comparable across frames). Of DOM, the
 *    webview's own handling of the message is read from its `backprop:update` measure. Each single
 *    press comes --idle-ms (default 300) after the last one's painted frame, at a student's pace,
 *    so it meets an idle workbench; so does the first press of a pair. Next key: a
 *    second press sent as soon as the first step reached the DOM, timed the same way; its latency
 *    minus an idle press's is what a step leaves for the next key. On buy-apple-orange and on the
 *    2,000-node graph; then (unless --no-mnist) the full MNIST net (784-50-10 on 3 images, loaded
 *    from an .npz, as "Open Trained Net as Graph" writes it), stepper only, with the time from the
 *    file opened to the panel drawing its graph. Table cells are medians of the runs' medians.
 *
 * 3. First CodeLens, N fresh starts per variant (default 5), interleaved: code-server opens the
 *    workspace with buy-apple-orange.backprop in the editor (payload openFile), and the page records
 *    (performance.now(), from navigation start) when the first CodeLens is drawn. Variants: this
 *    extension, and a minimal extension that only contributes the language and registers one
 *    CodeLens (same activation events), generated here; with `--baseline DIR` (another checkout
 *    with its dist/ built, e.g. main) a third. Most of that time is VS Code's own start, so the
 *    ratio to the minimal extension is what the extension adds (target ≤ 1.1).
 *
 *   node --import tsx bench/vscode/run.ts [--starts N] [--runs N] [--samples N] [--pairs N] [--rounds N]
 *     [--lens-starts N] [--baseline DIR] [--only-codelens] [--only-latency] [--no-mnist] [--idle-ms MS]
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
import { argNumber, fmt, median, table } from '../stats';
import { generateLadder } from './ladder';
import { mnistNetFiles } from '../mnistFixture';
import { BENCH_FILES, MNIST_NPZ, type ProbeResult } from './shared';
import { FLOOR_FILE, FLOOR_OPEN, installFloorExtension } from './floor';

const STARTS = argNumber('--starts', 5);
const LENS_STARTS = argNumber('--lens-starts', 5);
const ONLY_CODELENS = process.argv.includes('--only-codelens');
const BASELINE = ((): string | undefined => {
  const i = process.argv.indexOf('--baseline');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
/** Single presses per kind, per graph and contender (split over the rounds). */
const SAMPLES = argNumber('--samples', 20);
/** Press pairs (the second right after the first's DOM update) per kind, graph and contender. */
const PAIRS = argNumber('--pairs', 12);
/** Turns per contender on each graph, interleaved. */
const ROUNDS = argNumber('--rounds', 4);
/** Fresh code-server starts of the latency part; each table cell is the median of the runs' medians. */
const RUNS = argNumber('--runs', 3);
/**
 * The pause before each single ("idle") press, as between a student's presses: what the previous
 * step left to do in the workbench (the stepper's inline hints, Nodes view, status bar and context
 * keys once the steps pause, src/host/controller.ts) is done by then, so an idle press meets an
 * idle workbench, for the stepper and the floor alike; so does a pair's first press. Its second
 * comes with no pause and meets whatever the first left.
 */
const IDLE_MS = argNumber('--idle-ms', 300);
const MNIST = !process.argv.includes('--no-mnist');
const ONLY_LATENCY = process.argv.includes('--only-latency');
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
  writeFileSync(join(ws, FLOOR_FILE), 'floor\n');
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
  /** keydown → the first animation frame after that (its callbacks run before that frame paints), ms. */
  frameMs: number;
  /** keydown → the second animation frame after the change: the frame with the change has been painted, ms. */
  paintedMs: number;
  /** press sent by the driver → the wait in the webview resolved, ms (includes CDP round trips). */
  driverMs: number;
  /** Of domMs, the webview's own handling of the message (the stepper's `backprop:update` measure; 0 for the floor). */
  webviewMs: number;
}

/** Two presses, the second sent as soon as the webview showed the first step. */
interface PairSample {
  /** The second press, timed from its own keydown. */
  second: Sample;
  /** The first step's DOM update → the second keydown, ms (the driver's reaction). */
  gapMs: number;
}

interface Times {
  dom: number;
  frame: number;
  painted: number;
  current: boolean;
  handler: number;
}

interface BenchWindow {
  /** keydown timestamps of the stepping keys, in order (browser clock). */
  __bpKeys?: number[];
  __bpWait?: Promise<Times>;
  __bpPair?: { first: Promise<Times>; second: Promise<Times> };
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
        const found = await frame.$('#backprop-root:not([data-floor])').catch(() => null);
        if (!found) continue;
        const nodes = await frame.locator('[data-node]').count();
        if (nodes === 0 || nodes === differentFrom) continue;
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

/** The floor extension's webview frame. */
async function floorFrame(page: Page): Promise<Frame> {
  return until(
    'the floor webview',
    async () => {
      for (const frame of page.frames()) {
        if (frame.isDetached()) continue;
        if (await frame.$('#backprop-root[data-floor]').catch(() => null)) return frame;
      }
      return undefined;
    },
    60_000,
  );
}

async function focusEditor(page: Page): Promise<void> {
  await runFromPalette(page, 'View: Focus First Editor Group');
  await until('the editor focused', () => page.evaluate(() => Boolean(document.activeElement?.closest('.monaco-editor'))), 10_000);
}

/**
 * In the webview: a promise per wanted cursor, resolved with the time data-cursor reached it, the
 * first animation frame after that and the second (the painted frame). Installed on `window` as
 * __bpWait (one cursor) or __bpPair (two).
 */
async function armWait(frame: Frame, wants: number[]): Promise<void> {
  // tsx (esbuild keepNames) wraps the named functions below in `__name(...)`: give the webview one.
  await frame.evaluate('window.__name = window.__name || ((f) => f)');
  await frame.evaluate((list) => {
    const w = window as unknown as BenchWindow;
    const root = document.getElementById('backprop-root');
    if (!root) throw new Error('no #backprop-root');
    const now = (): number => performance.timeOrigin + performance.now();
    const seen: string[] = [root.dataset.cursor ?? ''];
    const pending = list.map((want) => {
      let resolve: (t: Times) => void = () => undefined;
      let reject: (e: Error) => void = () => undefined;
      const promise = new Promise<Times>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { want: String(want), promise, resolve, reject, hit: false };
    });
    const timer = setTimeout(() => {
      for (const p of pending) if (!p.hit) p.reject(new Error(`cursor never reached ${p.want} (at ${root.dataset.cursor}; seen ${seen.join(',')})`));
    }, 30_000);
    const obs = new MutationObserver(() => {
      seen.push(root.dataset.cursor ?? '');
      const p = pending.find((x) => !x.hit && x.want === root.dataset.cursor);
      if (!p) return;
      p.hit = true;
      const dom = now();
      const current = document.querySelector('[data-current="true"]') !== null;
      // The panel measures its own handling of each update message (webview/main.ts).
      const handler = performance.getEntriesByName('backprop:update').at(-1)?.duration ?? 0;
      performance.clearMeasures('backprop:update');
      if (pending.every((x) => x.hit)) {
        obs.disconnect();
        clearTimeout(timer);
      }
      requestAnimationFrame(() => {
        const frameAt = now();
        requestAnimationFrame(() => p.resolve({ dom, frame: frameAt, painted: now(), current, handler }));
      });
    });
    obs.observe(root, { attributes: true, attributeFilter: ['data-cursor'] });
    if (pending.length === 1) w.__bpWait = pending[0].promise;
    else w.__bpPair = { first: pending[0].promise, second: pending[1].promise };
  }, wants);
  await frame.page().evaluate(() => {
    (window as unknown as BenchWindow).__bpKeys = [];
  });
}

async function keysSeen(page: Page, count: number, key: string): Promise<number[]> {
  const keys = (await page.evaluate(() => (window as unknown as BenchWindow).__bpKeys)) ?? [];
  if (keys.length < count) throw new Error(`${key}: ${keys.length} of ${count} keydowns reached the workbench page`);
  return keys;
}

function sampleOf(t: Times, keyAt: number, driverMs: number, expected: number): Sample {
  // At step 0 no node has run yet, so none is current.
  if (!t.current && expected > 0) throw new Error(`step ${expected}: no node marked current`);
  return { domMs: t.dom - keyAt, frameMs: t.frame - keyAt, paintedMs: t.painted - keyAt, driverMs, webviewMs: t.handler };
}

/** One press on an idle page, timed from its keydown to the webview at `expected`. */
async function press(page: Page, frame: Frame, key: string, expected: number): Promise<Sample> {
  await armWait(frame, [expected]);
  // Node's global performance (not imported: functions passed to evaluate() must not reference imports).
  const t0 = performance.now();
  await page.keyboard.press(key);
  const seen = await frame.evaluate(() => (window as unknown as BenchWindow).__bpWait);
  const driverMs = performance.now() - t0;
  if (!seen) throw new Error('the webview wait vanished');
  const [keyAt] = await keysSeen(page, 1, key);
  return sampleOf(seen, keyAt, driverMs, expected);
}

/**
 * Two presses: the second as soon as the webview shows the first's step (the driver waits for the
 * DOM update, then presses). The second's latency against an idle press is what a step leaves
 * for the next key (frames still painting, transitions running).
 */
async function pressPair(page: Page, frame: Frame, key: string, first: number, second: number): Promise<PairSample> {
  await armWait(frame, [first, second]);
  await page.keyboard.press(key);
  const one = await frame.evaluate(() => (window as unknown as BenchWindow).__bpPair?.first);
  const t0 = performance.now();
  await page.keyboard.press(key);
  const two = await frame.evaluate(() => (window as unknown as BenchWindow).__bpPair?.second);
  const driverMs = performance.now() - t0;
  if (!one || !two) throw new Error('the webview wait vanished');
  const keys = await keysSeen(page, 2, key);
  return { second: sampleOf(two, keys[1], driverMs, second), gapMs: keys[1] - one.dom };
}

/** Untimed: waits until the panel shows `want` (after a repositioning command). */
async function settle(frame: Frame, want: (s: RootState) => boolean, what: string): Promise<RootState> {
  return until(what, async () => {
    const s = await rootState(frame);
    return want(s) ? s : undefined;
  }, 60_000);
}

interface Stepper {
  page: Page;
  frame: Frame;
  /** Steps of the forward pass (learned once per graph). */
  forward: number;
}

/** Brings the stepper to a state where `room` presses of `kind` apply (untimed), then returns that state. */
async function position(st: Stepper, kind: Kind, s: RootState, room: number): Promise<RootState> {
  const { page, frame, forward } = st;
  const runForward = async (): Promise<RootState> => {
    await runFromPalette(page, 'Backprop: Run Forward Pass');
    await focusEditor(page);
    return settle(frame, (x) => x.cursor === forward, 'the end of the forward pass');
  };
  const reset = async (): Promise<RootState> => {
    await page.keyboard.press('Alt+Home');
    return settle(frame, (x) => x.cursor === 0, 'the reset');
  };
  switch (kind) {
    case 'stepForward':
      return s.cursor + room <= forward ? s : reset();
    case 'stepBackward':
      if (s.cursor >= forward && s.cursor + room <= s.total) return s;
      if (s.cursor > forward) await reset();
      return runForward();
    case 'previousStep':
      return s.cursor >= room ? s : runForward();
  }
}

type Contender = 'stepper' | 'floor';

interface Samples {
  idle: Record<Kind, Sample[]>;
  next: Record<Kind, PairSample[]>;
}

function emptySamples(): Samples {
  return { idle: { stepForward: [], stepBackward: [], previousStep: [] }, next: { stepForward: [], stepBackward: [], previousStep: [] } };
}

interface GraphRun {
  file: string;
  nodes: number;
  totalSteps: number;
  /** The file opened (quick open returned) → the panel first showing its nodes, ms (polled every 50 ms or so). */
  openMs: number;
  samples: Record<Contender, Samples>;
}

const KINDS = ['stepForward', 'stepBackward', 'previousStep'] as const;

/** One turn of the stepper: for each kind `idle` single presses, then `pairs` pairs (after WARMUP untimed presses on the first turn). */
async function stepperTurn(st: Stepper, file: string, out: Samples, idle: number, pairs: number, warmup: number): Promise<void> {
  const { page, frame } = st;
  await quickOpen(page, file);
  await focusEditor(page);
  let state = await rootState(frame);
  for (const kind of KINDS) {
    for (let i = 0; i < warmup + idle; i++) {
      state = await position(st, kind, state, 1);
      const expected = kind === 'previousStep' ? state.cursor - 1 : state.cursor + 1;
      await page.waitForTimeout(IDLE_MS);
      const sample = await press(page, frame, KEYS[kind], expected);
      if (i >= warmup) out.idle[kind].push(sample);
      state = await rootState(frame);
      if (state.cursor !== expected) throw new Error(`${kind}: expected step ${expected}, panel at ${state.cursor}`);
    }
    for (let i = 0; i < pairs; i++) {
      state = await position(st, kind, state, 2);
      const d = kind === 'previousStep' ? -1 : 1;
      const want = state.cursor + 2 * d;
      await page.waitForTimeout(IDLE_MS);
      out.next[kind].push(await pressPair(page, frame, KEYS[kind], state.cursor + d, want));
      state = await rootState(frame);
      if (state.cursor !== want) throw new Error(`${kind} twice: expected step ${want}, panel at ${state.cursor}`);
    }
  }
}

/** One turn of the floor: the same keys and counts, in its own editor and webview. */
async function floorTurn(page: Page, frame: Frame, out: Samples, idle: number, pairs: number, warmup: number): Promise<void> {
  await quickOpen(page, FLOOR_FILE);
  await focusEditor(page);
  for (const kind of KINDS) {
    const d = kind === 'previousStep' ? -1 : 1;
    for (let i = 0; i < warmup + idle; i++) {
      const at = Number((await rootState(frame)).cursor);
      await page.waitForTimeout(IDLE_MS);
      const sample = await press(page, frame, KEYS[kind], at + d);
      if (i >= warmup) out.idle[kind].push(sample);
    }
    for (let i = 0; i < pairs; i++) {
      const at = Number((await rootState(frame)).cursor);
      await page.waitForTimeout(IDLE_MS);
      out.next[kind].push(await pressPair(page, frame, KEYS[kind], at + d, at + 2 * d));
    }
  }
}

/**
 * The stepper on one graph against the floor, interleaved: ROUNDS turns each, the order turned
 * every round, so load changes hit both alike.
 */
interface Opened {
  file: string;
  frame: Frame;
  nodes: number;
  openMs: number;
}

async function openGraph(page: Page, file: string, previousNodes: number): Promise<Opened> {
  await quickOpen(page, file);
  const shown0 = Date.now();
  // The first graph opens the panel; the panel then follows the active .backprop editor.
  if (previousNodes === 0) await runFromPalette(page, 'Backprop: Open Stepper');
  const { frame, nodes, firstSeen } = await stepperFrameWith(page, previousNodes);
  const openMs = firstSeen - shown0;
  log(`${file}: the panel showed ${nodes} nodes ${openMs} ms after the file opened`);
  return { file, frame, nodes, openMs };
}

async function measureAgainstFloor(page: Page, opened: Opened, floor: Frame | undefined): Promise<GraphRun> {
  const { file, frame, nodes, openMs } = opened;
  await focusEditor(page);
  // The forward pass's length, once.
  await runFromPalette(page, 'Backprop: Run Forward Pass');
  await focusEditor(page);
  const fwd = await settle(frame, (x) => x.phase === 'backward', 'the end of the forward pass');
  const st: Stepper = { page, frame, forward: fwd.cursor };
  const samples: Record<Contender, Samples> = { stepper: emptySamples(), floor: emptySamples() };
  const idle = Math.max(1, Math.ceil(SAMPLES / ROUNDS));
  const pairs = Math.max(1, Math.ceil(PAIRS / ROUNDS));
  for (let r = 0; r < ROUNDS; r++) {
    const order: Contender[] = floor ? (r % 2 === 0 ? ['stepper', 'floor'] : ['floor', 'stepper']) : ['stepper'];
    for (const c of order) {
      const warmup = r < 2 ? WARMUP : 0;
      if (c === 'stepper') await stepperTurn(st, file, samples.stepper, idle, pairs, warmup);
      else if (floor) await floorTurn(page, floor, samples.floor, idle, pairs, warmup);
    }
    log(`${file}: round ${r + 1}/${ROUNDS} done`);
  }
  const total = (await rootState(frame)).total;
  return { file, nodes, totalSteps: total, openMs, samples };
}

async function latencyStart(browser: Browser, workspace: string, floorExtensions: string): Promise<GraphRun[]> {
  // The smoke-test driver's build of the workbench is the one that honours extensionDevelopmentPath
  // in the payload (as in the probe starts); no extensionTestsPath here, so nothing else runs. The
  // floor extension is installed in the extensions dir.
  const server = await startCodeServer({ smokeTestDriver: true, settings: SETTINGS, extensionsDir: floorExtensions });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      // Capture phase on the window: the first thing to see the key, before VS Code's handlers.
      window.addEventListener(
        'keydown',
        (e) => {
          if (e.altKey && ['Period', 'Slash', 'Comma'].includes(e.code)) ((window as unknown as BenchWindow).__bpKeys ??= []).push(performance.timeOrigin + e.timeStamp);
        },
        true,
      );
    });
    await page.goto(workbenchUrl(server, workspace));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    try {
      // The stepper first (it opens beside the editor), then the floor's panel under it.
      const smallOpened = await openGraph(page, BENCH_FILES.small, 0);
      await quickOpen(page, FLOOR_FILE);
      await runFromPalette(page, FLOOR_OPEN);
      const floor = await floorFrame(page);
      await page.screenshot({ path: join(REPO_ROOT, 'out', 'bench-vscode-layout.png') }).catch(() => undefined);
      const small = await measureAgainstFloor(page, smallOpened, floor);
      const big = await measureAgainstFloor(page, await openGraph(page, BENCH_FILES.big, small.nodes), floor);
      const mnist = MNIST ? await measureAgainstFloor(page, await openGraph(page, BENCH_FILES.mnist, big.nodes), undefined) : undefined;
      return mnist ? [small, big, mnist] : [small, big];
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

type Pick = (g: GraphRun, c: Contender) => number[];

const pooled = (part: 'idle' | 'next', field: keyof Sample, kind?: Kind): Pick => (g, c) => {
  const kinds = kind ? [kind] : KINDS;
  return part === 'idle' ? kinds.flatMap((k) => g.samples[c].idle[k].map((s) => s[field])) : kinds.flatMap((k) => g.samples[c].next[k].map((p) => p.second[field]));
};

/** The median over runs of each run's median (one run: the samples' median). */
function runMedian(runs: GraphRun[][], index: number, c: Contender, pick: Pick): number {
  return median(runs.map((r) => median(pick(r[index], c))));
}

interface LatencyRow {
  /** Of dom: the webview's handling of the message. */
  webview: number;
  nextWebview: number;
  dom: number;
  painted: number;
  nextDom: number;
  nextPainted: number;
  /** What a step adds to the next key: its DOM latency right after a step minus on an idle page. */
  addedDom: number;
  addedPainted: number;
  n: number;
  nNext: number;
}

function latencyRow(runs: GraphRun[][], index: number, c: Contender, kind?: Kind): LatencyRow {
  const dom = runMedian(runs, index, c, pooled('idle', 'domMs', kind));
  const webview = runMedian(runs, index, c, pooled('idle', 'webviewMs', kind));
  const nextWebview = runMedian(runs, index, c, pooled('next', 'webviewMs', kind));
  const painted = runMedian(runs, index, c, pooled('idle', 'paintedMs', kind));
  const nextDom = runMedian(runs, index, c, pooled('next', 'domMs', kind));
  const nextPainted = runMedian(runs, index, c, pooled('next', 'paintedMs', kind));
  const n = runs.reduce((a, r) => a + pooled('idle', 'domMs', kind)(r[index], c).length, 0);
  const nNext = runs.reduce((a, r) => a + pooled('next', 'domMs', kind)(r[index], c).length, 0);
  return { webview, nextWebview, dom, painted, nextDom, nextPainted, addedDom: nextDom - dom, addedPainted: nextPainted - painted, n, nNext };
}

function reportLatency(runs: GraphRun[][]): Record<string, unknown> {
  const first = runs[0];
  const out: Record<string, unknown> = {};
  const rows: string[][] = [];
  const kindRows: string[][] = [];
  first.forEach((g, index) => {
    const label = `${g.file === BENCH_FILES.mnist ? 'MNIST net, ' : ''}${g.nodes} nodes`;
    const hasFloor = first[index].samples.floor.idle.stepForward.length > 0;
    const contenders: Contender[] = hasFloor ? ['stepper', 'floor'] : ['stepper'];
    const entry: Record<string, unknown> = {};
    for (const kind of [undefined, ...KINDS]) {
      const r = Object.fromEntries(contenders.map((c) => [c, latencyRow(runs, index, c, kind)])) as Partial<Record<Contender, LatencyRow>>;
      const s = r.stepper as LatencyRow;
      const f = r.floor;
      const ratio = f ? { dom: s.dom / f.dom, painted: s.painted / f.painted, nextDom: s.nextDom / f.nextDom, nextPainted: s.nextPainted / f.nextPainted } : undefined;
      entry[kind ?? 'all'] = { ...r, ratioToFloor: ratio };
      const target = kind ? kindRows : rows;
      const head = kind ? `${kind} · ${label}` : label;
      for (const c of contenders) {
        const x = r[c] as LatencyRow;
        target.push([`${head} · ${c === 'stepper' ? 'Backprop Stepper' : 'floor'}`, `${x.n}+${x.nNext}`, fmt(x.dom, 1), fmt(x.webview, 1), fmt(x.painted, 1), fmt(x.nextDom, 1), fmt(x.nextWebview, 1), fmt(x.nextPainted, 1), fmt(x.addedDom, 1), fmt(x.addedPainted, 1)]);
      }
      if (ratio && f) {
        target.push([`${head} · ratio to floor`, '', ratio.dom.toFixed(2), '', ratio.painted.toFixed(2), ratio.nextDom.toFixed(2), '', ratio.nextPainted.toFixed(2), fmt(s.addedDom - f.addedDom, 1), fmt(s.addedPainted - f.addedPainted, 1)]);
      }
    }
    out[g.file] = entry;
  });
  const cols = ['graph · extension', 'n (idle+next)', 'DOM', 'of it webview', 'painted', 'next key DOM', 'of it webview', 'next key painted', 'added DOM', 'added painted'];
  const [small, big] = first;
  log('');
  log(
    `## Step keybinding → webview (ms, keydown in the workbench → data-cursor at the new step (DOM) → the second animation frame after it (painted); ` +
      `next key = a press right after the first press's DOM update; added = next key − idle (for the ratio row: stepper's added − floor's); ` +
      `medians of ${runs.length} run(s)' medians; stepper and floor interleaved, ${ROUNDS} turns each; ${small.file}: ${small.totalSteps} steps; ${big.file}: ${big.totalSteps} steps)`,
  );
  log(table(cols, rows));
  log('');
  log('## The same per command');
  log(table(cols, kindRows));
  log('');
  log(`## File opened → panel drawn (ms): ${first.map((g) => `${g.file} ${runs.map((r) => r[first.indexOf(g)].openMs).join('/')}`).join(', ')}`);
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  ensureTools();
  const load0 = loadavg()[0];
  const root = makeTempRoot('backprop-bench-vscode-');
  const workspace = makeWorkspace(root);
  const floorExtensions = await installFloorExtension(root);
  const browser = await launchChromium();
  try {
    log(`# Backprop Stepper in a real VS Code (code-server, headless chromium) — ${cpus().length} cores, load ${load0.toFixed(2)}`);
    const previous = existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>) : {};
    let firstLens: Record<string, unknown> | undefined;
    if (!ONLY_LATENCY) {
      log('');
      firstLens = reportFirstLens(await measureFirstLens(browser, workspace, root));
      if (ONLY_CODELENS) {
        writeFileSync(RESULTS_FILE, JSON.stringify({ ...previous, firstCodeLens: { date: new Date().toISOString(), loadavg: [load0, loadavg()[0]], variants: firstLens } }, null, 2) + '\n');
        log(`wrote ${RESULTS_FILE} (firstCodeLens)`);
        return;
      }
    }
    const probes: ProbeResult[] = [];
    if (!ONLY_LATENCY) {
      const probe = await bundleProbe();
      log('');
      for (let i = 0; i < STARTS; i++) {
        const r = await probeStart(browser, workspace, probe);
        probes.push(r);
        log(`start ${i + 1}/${STARTS}: activationMs ${fmt(r.activationMs, 2)}, trace ${fmt(r.memory?.traceMB, 2)} MB`);
      }
    }
    const runs: GraphRun[][] = [];
    for (let i = 0; i < RUNS; i++) {
      log(`\nlatency run ${i + 1}/${RUNS}`);
      runs.push(await latencyStart(browser, workspace, floorExtensions));
    }
    const latency = reportLatency(runs);

    const act = probes.map((p) => p.activationMs).filter((x): x is number => typeof x === 'number');
    const mem = probes.map((p) => p.memory).filter((m) => m !== null);
    if (probes.length) {
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
    }
    const load1 = loadavg()[0];
    log(`\nload average ${load0.toFixed(2)} → ${load1.toFixed(2)}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
    writeFileSync(
      RESULTS_FILE,
      JSON.stringify(
        {
          ...previous,
          date: new Date().toISOString(),
          loadavg: [load0, load1],
          method:
            'keybinding pressed in the focused editor (playwright keyboard); keydown event.timeStamp in the workbench page → MutationObserver on #backprop-root[data-cursor] in the webview (dom), the next requestAnimationFrame (frame) and the one after (painted); ' +
            'next key: a second press sent when the first step reached the DOM; floor: a minimal extension posting one message per key to its webview (bench/vscode/floor.ts), interleaved; driver = CDP round trip',
          warmupPerKind: WARMUP,
          runs: runs.length,
          graphs: runs[0].map((g) => ({ file: g.file, nodes: g.nodes, totalSteps: g.totalSteps, openMs: runs.map((r) => r[runs[0].indexOf(g)].openMs) })),
          latency,
          samples: runs.map((r) => Object.fromEntries(r.map((g) => [g.file, g.samples]))),
          ...(probes.length
            ? {
                activation: { starts: act.length, medianMs: median(act), values: act, wasActiveBeforeProbe: probes.map((p) => p.extensionWasActive) },
                memory: { medianTraceMB: median(mem.map((m) => m.traceMB)), runs: mem },
              }
            : {}),
          ...(firstLens ? { firstCodeLens: { date: new Date().toISOString(), variants: firstLens } } : {}),
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
