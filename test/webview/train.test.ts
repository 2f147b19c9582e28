/**
 * The training / gradient-check panel (dist/webview/train.js) in headless chromium under the real
 * CSP: a gradient check alone gets the page to itself (no empty training section above it), the
 * chart readouts follow the cursor, and the epoch axis has whole-number ticks only.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { GradCheckReport } from '../../src/engine/train/gradcheckReport';
import type { EpochReport } from '../../src/engine/train/trainer';
import { panelHtml } from '../../src/host/panelHtml';
import type { TrainHostToWebview, TrainRunInfo } from '../../src/shared/protocol';
import { l10nBundle, useBrowser } from './harness';
import { localizeTable, TRAIN_TEXT } from '../../src/shared/uiText';

const ROOT = join(__dirname, '..', '..');
const ORIGIN = 'https://webview.test';
const NONCE = 'trainTestNonce0';
const OUT = join(ROOT, 'dist/webview/train.js');

async function ensureBuilt(): Promise<void> {
  const sources = [...['main.ts', 'strings.ts', 'decimate.ts', 'train.css'].map((f) => join(ROOT, 'webview/train', f)), join(ROOT, 'webview/uiText.ts'), join(ROOT, 'src/shared/uiText.ts')];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(OUT) && statSync(OUT).mtimeMs >= newest) return;
  await esbuild.build({ entryPoints: [join(ROOT, 'webview/train/main.ts')], outfile: OUT, bundle: true, format: 'iife', platform: 'browser', target: 'es2022', logLevel: 'warning' });
}

const REPORT: GradCheckReport = {
  fileName: 'buy-apple.backprop',
  leaves: [
    { label: 'apple', shape: [], size: 1, checked: 1, sampled: false, maxAbsDiff: 2e-10, meanAbsDiff: 2e-10, worst: [{ index: 0, position: [], backprop: 2.2, numerical: 2.2000000002, absDiff: 2e-10 }] },
    { label: 'tax', shape: [], size: 1, checked: 1, sampled: false, maxAbsDiff: 1e-9, meanAbsDiff: 1e-9, worst: [{ index: 0, position: [], backprop: 200, numerical: 200.000000001, absDiff: 1e-9 }] },
  ],
  parameters: 3,
  numericalMs: 0.4,
  backpropMs: 0.02,
  ratio: 20,
  maxAbsDiff: 1e-9,
  worstLeaf: 'tax',
  h: 1e-4,
};

const RUN: TrainRunInfo = {
  runId: 1,
  state: 'done',
  dataName: 'spiral',
  options: { hidden: 50, batch: 100, learningRate: 0.1, iterations: 600, seed: 0, weightInitStd: 0.01 },
  trainCount: 300,
  testCount: 300,
  result: { iterations: 600, trainAcc: 0.9, testAcc: 0.88, ms: 1200, backend: 'wasm' },
};

function page(): string {
  const html = panelHtml({
    cspSource: ORIGIN,
    nonce: NONCE,
    lang: 'en',
    title: 'Training',
    script: `${ORIGIN}/dist/webview/train.js`,
    styles: [`${ORIGIN}/dist/webview/train.css`],
    rootHtml: '<div id="backprop-training-root"></div>',
    uiText: localizeTable(TRAIN_TEXT, l10nBundle('en')),
  });
  // The fake VS Code API, before the bundle (nonce'd like the bundle).
  const api = `<script nonce="${NONCE}">window.__posted=[];window.acquireVsCodeApi=()=>({postMessage(m){window.__posted.push(m)},getState(){return null},setState(){}});</script>`;
  return html.replace('<title>', `${api}\n<title>`);
}

async function openTrain(browser: Browser): Promise<{ page: Page; send(m: TrainHostToWebview): Promise<void>; problems: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const p = await context.newPage();
  const problems: string[] = [];
  p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await p.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: page() });
    const file = join(ROOT, decodeURIComponent(path));
    if (!file.startsWith(join(ROOT, 'dist/webview')) || !existsSync(file)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, contentType: extname(file) === '.css' ? 'text/css' : 'text/javascript', body: readFileSync(file) });
  });
  await p.goto(`${ORIGIN}/index.html`);
  await p.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return {
    page: p,
    send: (m) => p.evaluate((msg) => window.postMessage(msg, '*'), m),
    problems,
    close: () => context.close(),
  };
}

describe('training / gradient-check panel', () => {
  const browser = useBrowser(ensureBuilt);

  test('a gradient check alone: its own view, titled as such, nothing empty above it', async () => {
    const t = await openTrain(browser());
    try {
      await t.send({ type: 'init', locale: 'en', run: null, losses: [], epochs: [], gradcheck: REPORT, gradcheckRunning: false });
      const { page } = t;
      await page.locator('table.leaves tr[data-leaf="tax"]').waitFor();
      assert.equal(await page.locator('#backprop-training-root').getAttribute('data-view'), 'gradcheck');
      assert.equal(await page.locator('h1').textContent(), 'Gradient check');
      assert.equal(await page.locator('section.training').isVisible(), false, 'no training section');
      assert.equal(await page.getByText('No training yet').count() > 0 && (await page.getByText('No training yet').first().isVisible()), false);
      assert.equal(await page.locator('.uplot').first().isVisible(), false, 'no empty charts');
      // What comes first below the title is the check's own heading.
      const firstVisible = await page.evaluate(() => {
        const root = document.getElementById('backprop-training-root');
        const shown = [...(root?.children ?? [])].filter((e) => (e as HTMLElement).offsetParent !== null || e.tagName === 'HEADER');
        return shown.map((e) => e.className || e.tagName);
      });
      assert.deepEqual(firstVisible, ['HEADER', 'gradcheck']);

      // A training run then: both show, the check still first, the charts sized.
      await t.send({ type: 'run', run: RUN });
      await page.locator('section.training').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#backprop-training-root').getAttribute('data-view'), 'both');
      const [gradTop, trainTop] = await Promise.all([page.locator('section.gradcheck').boundingBox(), page.locator('section.training').boundingBox()]);
      assert.ok(gradTop && trainTop && gradTop.y < trainTop.y, 'the gradient check above the training run');
      assert.deepEqual(t.problems, []);
    } finally {
      await t.close();
    }
  });

  test('chart readouts follow the cursor; the epoch axis has whole-number ticks', async () => {
    const t = await openTrain(browser());
    try {
      const losses = Array.from({ length: 600 }, (_, i) => 2.3 * Math.exp(-i / 150) + 0.05);
      const epochs: EpochReport[] = Array.from({ length: 4 }, (_, e) => ({ epoch: e, iteration: e * 3 + 1, trainAcc: 0.3 + 0.2 * e, testAcc: 0.28 + 0.2 * e }));
      await t.send({ type: 'init', locale: 'en', run: RUN, losses, epochs, gradcheck: null, gradcheckRunning: false });
      const { page } = t;
      const readout = page.locator('.readout').first();
      // Off the chart: the latest point, not "--".
      await page.waitForFunction(() => (document.querySelector('.readout')?.textContent ?? '').includes('loss'));
      const idle = (await readout.textContent()) ?? '';
      assert.match(idle, /iteration 600 · loss 0\.\d{4}/, idle);
      // Over the chart: the point under the cursor.
      const over = page.locator('.chart').first().locator('.u-over');
      const box = await over.boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
      await page.waitForFunction(() => document.querySelector('.readout')?.getAttribute('data-hover') === 'true');
      const hovered = (await readout.textContent()) ?? '';
      const iteration = Number(/iteration ([\d,]+)/.exec(hovered)?.[1]?.replace(/,/g, ''));
      assert.ok(iteration > 50 && iteration < 300, `a quarter across the chart: ${hovered}`);
      await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
      await page.waitForFunction((before) => document.querySelector('.readout')?.textContent !== before, hovered);
      const later = Number(/iteration ([\d,]+)/.exec((await readout.textContent()) ?? '')?.[1]?.replace(/,/g, ''));
      assert.ok(later > iteration, 'the readout moved with the cursor');

      // Epoch ticks: 0, 1, 2, 3 (never 0.5 or 2.5).
      const ticks = ((await page.locator('.chart').nth(1).getAttribute('data-x-ticks')) ?? '').split(',').filter((x) => x !== '');
      assert.ok(ticks.length >= 2, `epoch ticks: ${ticks.join(' ')}`);
      for (const tick of ticks) assert.match(tick, /^\d+$/, `epoch tick "${tick}"`);
      assert.deepEqual(t.problems, []);
    } finally {
      await t.close();
    }
  });
});
