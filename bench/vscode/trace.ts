/**
 * `npm run bench:vscode:trace`: "Backprop: Trace Python File" on the book's TwoLayerNet (784-50-10,
 * batch 100, one net.gradient) in a REAL VS Code (code-server + headless chromium, the packaged
 * .vsix, as test/vscode/ui does), from running the command in the palette to the stepper panel
 * showing the traced graph (its `#backprop-root` with the 8 steps and the `lastLayer` node drawn).
 * The time includes typing the command into the palette and clicking it (a few hundred ms).
 * Medians of --runs runs (default 5) after one warm-up; the panel is closed between runs.
 *
 *   npm run package && node --import tsx bench/vscode/trace.ts [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../test/vscode/tools';
import { openWorkbench, quickOpen, runFromPalette } from '../../test/vscode/ui/workbench';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;
const FILE = 'bench_two_layer_net.py';

function scriptText(): string {
  const r = spawnSync('python3', ['-c', 'import sys; sys.path.insert(0, "bench"); import trace_two_layer_net as b; sys.stdout.write(b.SCRIPT)'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot read the benchmark script from bench/trace_two_layer_net.py: ${r.stderr}`);
  return r.stdout;
}

/** Milliseconds until a frame of the page shows the traced graph. */
async function graphShown(page: Page, t0: number): Promise<number> {
  const deadline = t0 + 120_000;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame.isDetached()) continue;
      const ok = await frame
        .evaluate(() => {
          const root = document.querySelector('#backprop-root');
          return root?.getAttribute('data-total') === '8' && document.querySelector('[data-node="lastLayer"]') !== null;
        })
        .catch(() => false);
      if (ok) return performance.now() - t0;
    }
    if (performance.now() > deadline) throw new Error('the traced graph never showed');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const wb = await openWorkbench();
  try {
    writeFileSync(join(wb.workspace, 'python', FILE), scriptText());
    const times: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      await quickOpen(wb.page, FILE);
      const t0 = performance.now();
      await runFromPalette(wb.page, 'Backprop: Trace Python File');
      const ms = await graphShown(wb.page, t0);
      if (i > 0) times.push(ms);
      console.log(`${i === 0 ? 'warm-up' : `run ${i}`}: ${ms.toFixed(0)} ms`);
      await runFromPalette(wb.page, 'View: Close All Editor Groups');
    }
    const s = [...times].sort((a, b) => a - b);
    const median = s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    console.log(`palette → panel showing the traced TwoLayerNet (784-50-10, batch 100): median ${median.toFixed(0)} ms, min ${s[0].toFixed(0)}, max ${s[s.length - 1].toFixed(0)} (${times.length} runs)`);
  } finally {
    await wb.close();
  }
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
