/**
 * `npm run bench:trace`: how long "Backprop: Trace Python File" takes for the book's TwoLayerNet
 * (784-50-10, batch 100, one net.gradient(x, t)), from starting Python to the graph ready for the
 * stepper: the tracer run (python3 python/backprop_trace.py, numerical checks on, the default),
 * reading and validating the trace, building the graph, the check against the engine, and the
 * replay stepper run to the end. Medians (and min/max) of --runs runs (default 7) after one warm-up.
 *
 * The script is bench/trace_two_layer_net.py's (the tracer's own benchmark), next to
 * examples/python/layers.py. Not part of npm test: the figures belong to the machine.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTracer } from '../src/node/tracer';
import { buildTracedGraph, checkTrace, createTraceStepper } from '../src/trace';

const root = join(__dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 7;

function scriptText(): string {
  const r = spawnSync('python3', ['-c', 'import sys; sys.path.insert(0, "bench"); import trace_two_layer_net as b; sys.stdout.write(b.SCRIPT)'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot read the benchmark script from bench/trace_two_layer_net.py: ${r.stderr}`);
  return r.stdout;
}

interface Sample {
  tracer: number;
  build: number;
  check: number;
  replay: number;
  total: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function once(script: string): Promise<Sample> {
  const t0 = performance.now();
  const run = await runTracer(script, { env: { OPENBLAS_NUM_THREADS: '1' } });
  const t1 = performance.now();
  const traced = buildTracedGraph(run.doc);
  const t2 = performance.now();
  const check = checkTrace(traced);
  const t3 = performance.now();
  createTraceStepper(traced).runBackward();
  const t4 = performance.now();
  if (check.mismatches.length > 0) throw new Error(`the benchmark net has mismatches: ${check.mismatches[0].message.en}`);
  return { tracer: t1 - t0, build: t2 - t1, check: t3 - t2, replay: t4 - t3, total: t4 - t0 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-trace-'));
  try {
    const script = join(dir, 'two_layer_net_bench.py');
    writeFileSync(script, scriptText());
    copyFileSync(join(root, 'examples', 'python', 'layers.py'), join(dir, 'layers.py'));
    await once(script); // warm-up (file caches, numpy import)
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await once(script));
    const rows = (['tracer', 'build', 'check', 'replay', 'total'] as const).map((k) => {
      const xs = samples.map((s) => s[k]);
      return { part: k, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
    });
    console.log(`trace of TwoLayerNet 784-50-10, batch 100 (one net.gradient), ${runs} runs after a warm-up; ms`);
    console.log('part      median      min      max');
    for (const r of rows) console.log(`${r.part.padEnd(8)} ${r.median.toFixed(1).padStart(7)}  ${r.min.toFixed(1).padStart(7)}  ${r.max.toFixed(1).padStart(7)}`);
    console.log('tracer = python3 backprop_trace.py start → trace read and validated; build = graph; check = every node against the engine + the whole graph on the engine; replay = the stepper to the end');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
