/**
 * `node --import tsx bench/limits.ts [--runs N]`: reruns each red-team input of issue 11 ("never
 * hang, never exhaust memory, never hide a NaN") and prints, per input, what happens now (the
 * first line of the answer), the median time of the work itself and the median peak RSS of the
 * process. Each run is its own child process, so peak RSS belongs to that input alone; the
 * "baseline" row is a child that loads the same modules and does nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readBoundedTextFile } from '../src/cli/readFile';
import { compile } from '../src/language/index';
import { runCliInMemory } from './cliInMemory';
import { fmt, median, table } from './stats';

interface Answer {
  /** What the user sees (first line of stderr, or of stdout). */
  says: string;
}

/** The CLI in-process on an in-memory file `p.backprop` (or a real path). */
async function cli(args: string[], source?: string): Promise<Answer> {
  const files: Record<string, string> = source === undefined ? {} : { 'p.backprop': source };
  const { code, stdout, stderr } = await runCliInMemory(args, files, { readOther: (p) => readBoundedTextFile(p, 800_000), stdoutLimit: 4096 });
  const text = (stderr || stdout).trim().split('\n');
  const says = args[0] === 'gradcheck' ? (stdout.split('\n').find((l) => l.startsWith('checked')) ?? text[0]) : text[0];
  return { says: `exit ${code}: ${says}` };
}

function firstDiagnostic(source: string): Answer {
  const d = compile(source).diagnostics[0];
  return { says: d ? `${d.range.start.line}:${d.range.start.column} ${d.message}` : 'no diagnostics' };
}

function leaf(n: number): string {
  const rows = Math.round(Math.sqrt(n));
  return `seed 1\nW = randn(${rows}, ${n / rows})\ny = sum(W * W)`;
}

const CASES: Record<string, (dir: string) => Promise<Answer> | Answer> = {
  baseline: () => ({ says: '(loads the modules, does nothing)' }),
  'run: p = 0, q = log(p)': () => cli(['run', 'p.backprop'], 'p = 0\nq = log(p)'),
  'run: 0/0': () => cli(['run', 'p.backprop'], 'a = 0\nb = 0 * a\nc = b / b'),
  'run: exp(1000)': () => cli(['run', 'p.backprop'], 'x = 1000\ny = exp(x)'),
  'run: 1e308 * 10': () => cli(['run', 'p.backprop'], 'x = 1e308\ny = x * 10'),
  'run: (-8) ** 0.5': () => cli(['run', 'p.backprop'], 'x = -8\ny = x ** 0.5'),
  'run: 0 ** -1': () => cli(['run', 'p.backprop'], 'x = 0\ny = x ** -1'),
  'run --expand: sigmoid(-800), gradient': async () => {
    const { stdout } = await runCliInMemory(['run', 'p.backprop', '--json', '--expand'], { 'p.backprop': 'x = -800\ny = sigmoid(x)' });
    return { says: `grads ${JSON.stringify((JSON.parse(stdout) as { grads: unknown }).grads)}` };
  },
  'train --lr 1e300': () => cli(['train', '--lr', '1e300']),
  'gradcheck: leaf of 2,500': () => cli(['gradcheck', 'p.backprop'], leaf(2_500)),
  'gradcheck: leaf of 10,000': () => cli(['gradcheck', 'p.backprop'], leaf(10_000)),
  'gradcheck: leaf of 40,000': () => cli(['gradcheck', 'p.backprop'], leaf(40_000)),
  'gradcheck: leaf of 1000×1000': () => cli(['gradcheck', 'p.backprop'], leaf(1_000_000)),
  'did you mean: two 99,990-char names': () => firstDiagnostic(`${'a'.repeat(99_990)} = 1\ny = ${'a'.repeat(99_989)}b * 2`),
  'steps --json: 150 sums of 1000×1000': () =>
    cli(['steps', 'p.backprop', '--json'], ['W = ones(1000, 1000)', ...Array.from({ length: 150 }, (_, i) => `s${i} = sum(W)`), `y = ${Array.from({ length: 150 }, (_, i) => `s${i}`).join(' + ')}`].join('\n')),
  'run /dev/zero': () => cli(['run', '/dev/zero']),
  'train: .gz inflating to 300 MB': (dir) => cli(['train', '--data', join(dir, 'gz')]),
  'train: headers claiming 60,000 images (5 KB folder)': (dir) => cli(['train', '--data', join(dir, 'claims')]),
  'train --hidden 10000000': () => cli(['train', '--hidden', '10000000']),
  'constructor(x), __proto__(x), toString(x)': () => firstDiagnostic('x = 1\ny = constructor(x) + __proto__(x) + toString(x)'),
  'run --json: a variable named __proto__': async () => {
    const { stdout } = await runCliInMemory(['run', 'p.backprop', '--json'], { 'p.backprop': '__proto__ = 2\ny = __proto__ * 3' });
    return { says: stdout.trim() };
  },
  'train __proto__ 5': () => cli(['train', '__proto__', '5']),
  'café (NFC) vs café (NFD)': () => firstDiagnostic('caf\u00e9 = 1\ny = cafe\u0301 * 2'),
  'UTF-16 file': (dir) => cli(['run', join(dir, 'utf16.backprop')]),
};

/** The inputs that need files: written once by the parent. */
function writeFiles(dir: string): void {
  const names = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
  mkdirSync(join(dir, 'gz'));
  const zeros = Buffer.alloc(300 * 2 ** 20);
  zeros.set([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28]);
  const gz = gzipSync(zeros, { level: 9 });
  for (const n of names) writeFileSync(join(dir, 'gz', `${n}.gz`), gz);
  mkdirSync(join(dir, 'claims'));
  for (const n of names) {
    const images = n.includes('images');
    const header = images ? [0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28] : [0, 0, 8, 1, 0, 0, 0xea, 0x60];
    writeFileSync(join(dir, 'claims', n), Buffer.concat([Buffer.from(header), Buffer.alloc(1200)]));
  }
  writeFileSync(join(dir, 'utf16.backprop'), Buffer.from('\ufeffy = 1\n', 'utf16le'));
}

async function child(name: string, dir: string): Promise<void> {
  const run = CASES[name];
  const t0 = performance.now();
  const answer = await run(dir);
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ ...answer, ms, peakRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

function parent(): void {
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
  const dir = mkdtempSync(join(tmpdir(), 'backprop-limits-bench-'));
  try {
    writeFiles(dir);
    const rows: string[][] = [];
    const answers: string[] = [];
    for (const name of Object.keys(CASES)) {
      const results: { says: string; ms: number; peakRssMB: number }[] = [];
      for (let r = 0; r < runs; r++) {
        const p = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', name, dir], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 24 });
        const line = p.stdout.trim().split('\n').pop() ?? '';
        try {
          results.push(JSON.parse(line) as { says: string; ms: number; peakRssMB: number });
        } catch {
          results.push({ says: `child failed: ${(p.stderr || String(p.error)).trim().split('\n')[0]}`, ms: NaN, peakRssMB: NaN });
        }
      }
      const says = results[0].says.length > 200 ? `${results[0].says.slice(0, 197)}…` : results[0].says;
      rows.push([name, fmt(median(results.map((x) => x.ms)), 0), fmt(median(results.map((x) => x.peakRssMB)), 0)]);
      answers.push(`- ${name}: ${says}`);
      process.stderr.write(`${name}: done\n`);
    }
    process.stdout.write(`issue 11 red-team inputs: median of ${runs} runs, each in its own process (peak RSS includes the ~baseline of node + tsx)\n\n`);
    process.stdout.write(`${table(['input', 'ms', 'peak RSS MB'], rows)}\n\nwhat happens now:\n${answers.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--child');
if (at > 0) void child(process.argv[at + 1], process.argv[at + 2]);
else parent();
