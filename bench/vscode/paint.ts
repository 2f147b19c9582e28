/**
 * `node --import tsx bench/vscode/paint.ts [--steps N]`: the panel alone (test/webview's harness:
 * the built dist/webview in headless chromium with the extension's CSP and a real GraphSession as
 * host), on the 2,000-node ladder of bench:vscode and on buy-apple-orange. For each graph it posts
 * step updates one by one and measures in the page: message posted → DOM updated (data-cursor) →
 * the painted frame (the second animation frame after the change), and with a Chrome trace
 * (devtools.timeline) the renderer's main-thread work per step: PrePaint, Paint, Layerize, style,
 * layout. Also how many DOM nodes a step mutates (MutationObserver records) and whether any CSS
 * transition or animation runs afterwards (document.getAnimations()).
 */
import type { CDPSession, Page } from 'playwright-core';
import { ensureBuilt, launch, openPanel } from '../../test/webview/harness';
import { argNumber, fmt, median, percentile, table } from '../stats';
import { generateLadder } from './ladder';

const STEPS = argNumber('--steps', 30);
/** The panel's size: about what the stepper's editor group gets in bench:vscode's 1400×900 workbench. */
const WIDTH = argNumber('--width', 520);
const HEIGHT = argNumber('--height', 760);

interface StepTiming {
  dom: number;
  painted: number;
  mutations: number;
  animations: number;
}

/** Posts `msg` from inside the page and times it to the DOM update and the second frame after. */
async function timedStep(page: Page, msg: unknown, want: number): Promise<StepTiming> {
  return page.evaluate(
    ([m, cursor]) =>
      new Promise<StepTiming>((resolve) => {
        const root = document.getElementById('backprop-root') as HTMLElement;
        let mutations = 0;
        const count = new MutationObserver((records) => {
          for (const r of records) mutations += r.type === 'childList' ? r.addedNodes.length + r.removedNodes.length : 1;
        });
        count.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
        const t0 = performance.now();
        const obs = new MutationObserver(() => {
          if (root.dataset.cursor !== String(cursor)) return;
          const dom = performance.now() - t0;
          obs.disconnect();
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              const painted = performance.now() - t0;
              count.disconnect();
              resolve({ dom, painted, mutations, animations: document.getAnimations().length });
            }),
          );
        });
        obs.observe(root, { attributes: true, attributeFilter: ['data-cursor'] });
        window.postMessage(m, '*');
      }),
    [msg, want] as const,
  );
}

const TRACED = ['PrePaint', 'Paint', 'Layerize', 'UpdateLayoutTree', 'Layout', 'Commit', 'RasterTask'];

async function traced<T>(cdp: CDPSession, run: () => Promise<T>): Promise<{ result: T; totals: Record<string, number> }> {
  const events: Record<string, unknown>[] = [];
  const onData = (e: { value: Record<string, unknown>[] }): void => void events.push(...e.value);
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  const result = await run();
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.end');
  await done;
  cdp.off('Tracing.dataCollected', onData);
  const totals: Record<string, number> = {};
  for (const e of events) {
    const name = String(e.name);
    if (e.ph === 'X' && TRACED.includes(name)) totals[name] = (totals[name] ?? 0) + Number(e.dur ?? 0) / 1000;
  }
  return { result, totals };
}

async function main(): Promise<void> {
  await ensureBuilt();
  const browser = await launch();
  try {
    const rows: string[][] = [];
    for (const [name, source] of [['buy-apple-orange', undefined], ['ladder-2000', generateLadder(2000)]] as const) {
      const p = await openPanel(browser, { source, example: source ? 'ladder-2000.backprop' : 'buy-apple-orange.backprop', width: WIDTH, height: HEIGHT });
      try {
        const { page, host } = p;
        const s = host.session;
        const cdp = await page.context().newCDPSession(page);
        const forward = s.forwardSteps;
        const plan: number[] = [];
        // Forward steps from the start, then backward steps after the forward pass.
        const n = Math.min(STEPS, forward, s.totalSteps - forward);
        for (let i = 1; i <= n; i++) plan.push(i);
        const backStart = forward;
        const timings: StepTiming[] = [];
        const { totals } = await traced(cdp, async () => {
          for (const [i, step] of [...plan, ...plan.map((x) => backStart + x)].entries()) {
            if (i === plan.length) {
              const d = s.goTo(backStart);
              if (d) await page.evaluate((m) => window.postMessage(m, '*'), { type: 'update', state: s.stepState(), nodes: d.nodes, edges: d.edges });
              await page.waitForFunction((c) => document.getElementById('backprop-root')?.dataset.cursor === String(c), backStart);
              await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
            }
            const d = s.goTo(step);
            if (!d) throw new Error(`no step ${step}`);
            timings.push(await timedStep(page, { type: 'update', state: s.stepState(), nodes: d.nodes, edges: d.edges }, step));
          }
        });
        const steps = timings.length;
        const nodes = await page.locator('[data-node]').count();
        for (const [phase, part] of [['forward', timings.slice(0, plan.length)], ['backward', timings.slice(plan.length)]] as const) {
          rows.push([
            `${name} (${nodes} nodes) · ${phase}`,
            String(part.length),
            fmt(median(part.map((t) => t.dom)), 1),
            fmt(median(part.map((t) => t.painted)), 1),
            fmt(percentile(part.map((t) => t.painted), 90), 1),
            fmt(median(part.map((t) => t.mutations)), 0),
            String(Math.max(...part.map((t) => t.animations))),
            '',
            '',
            '',
            '',
            '',
            '',
            '',
          ]);
        }
        rows.push([`${name} · trace, per step`, String(steps), '', '', '', '', '', ...TRACED.map((k) => fmt((totals[k] ?? 0) / steps, 1))]);
      } finally {
        await p.close();
      }
    }
    process.stdout.write(`## One step in the panel alone (headless chromium, ${WIDTH}×${HEIGHT}): message posted → DOM → painted (second frame), medians per step; renderer main-thread work from a Chrome trace, totals / steps (ms)\n`);
    process.stdout.write(table(['graph', 'steps', 'DOM', 'painted', 'painted p90', 'mutations', 'animations after', ...TRACED], rows) + '\n');
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
