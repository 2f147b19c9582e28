/**
 * The CLI as users run it: `node cli.js …` spawned as a process. The bundle is built with esbuild
 * (the same options as scripts/build.mjs) into a temporary folder, so this test does not touch
 * `dist/` while other builds may be running.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLES = join(ROOT, 'examples');
let dir = '';
let cli = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd = ROOT): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(r: Run): T {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, 'exactly one JSON line');
  return JSON.parse(lines[0]) as T;
}

/** Exit 1, nothing on stdout, no stack trace; returns stderr's lines. */
function failure(r: Run): string[] {
  assert.equal(r.code, 1, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.doesNotMatch(r.stderr, /\n\s+at |\.ts:\d|\.js:\d|Error:|TypeError|RangeError/);
  const lines = r.stderr.trimEnd().split('\n');
  assert.ok(lines.length >= 1 && lines[0].length > 0);
  return lines;
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backprop-cli-'));
  cli = join(dir, 'cli.js');
  await esbuild.build({
    entryPoints: [join(ROOT, 'src', 'cli.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'silent',
  });
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type RunJson = { output: string; values: Record<string, unknown>; grads: Record<string, unknown> };

describe('cli run', () => {
  it('--json: exactly {output, values, grads, nonFinite} with the book numbers (buy apple)', () => {
    const out = json<RunJson>(run(['run', 'examples/buy-apple.backprop', '--json']));
    assert.deepEqual(Object.keys(out), ['output', 'values', 'grads', 'nonFinite']);
    assert.deepEqual((out as unknown as { nonFinite: unknown[] }).nonFinite, []);
    assert.equal(out.output, 'price');
    assert.deepEqual(Object.keys(out.values), ['apple', 'apple_num', 'tax', 'apple_price', 'price']);
    assert.ok(Math.abs((out.values.price as number) - 220) < 1e-9);
    const g = out.grads as Record<string, number>;
    assert.ok(Math.abs(g.apple - 2.2) < 1e-12);
    assert.ok(Math.abs(g.apple_num - 110) < 1e-9);
    assert.ok(Math.abs(g.tax - 200) < 1e-9);
    assert.equal(g.price, 1);
  });

  it('--json: matrices are arrays of rows; one-hot labels have no gradient', () => {
    const out = json<RunJson>(run(['run', join(EXAMPLES, 'affine-batch.backprop'), '--json']));
    assert.deepEqual(out.grads.b, [5, 7, 9]);
    assert.deepEqual(out.grads.X, [
      [14, 32],
      [32, 77],
    ]);
    const sm = json<RunJson>(run(['run', 'examples/softmax-with-loss.backprop', '--json']));
    assert.equal(sm.values.loss, 0.3057143290530003);
    assert.ok(!('t' in sm.grads));
    assert.deepEqual(sm.values.t, [[0, 0, 1]]);
  });

  it('--expand gives the same named values and gradients', () => {
    for (const ex of ['sigmoid.backprop', 'two-layer-net.backprop']) {
      const fused = json<RunJson>(run(['run', `examples/${ex}`, '--json']));
      const expanded = json<RunJson>(run(['run', `examples/${ex}`, '--expand', '--json']));
      assert.deepEqual(Object.keys(expanded.values), Object.keys(fused.values));
      const flat = (x: unknown): number[] => [x].flat(3) as number[];
      for (const k of Object.keys(fused.grads)) {
        flat(expanded.grads[k]).forEach((v, i) => assert.ok(Math.abs(v - flat(fused.grads[k])[i]) < 1e-12, `${ex} ${k}`));
      }
    }
  });

  it('warnings go to stderr as FILE:LINE:COLUMN: warning: …, exit 0, stdout still one JSON object', () => {
    const p = file('unused.backprop', 'x = 1\nw = 5\ny = x * 2\n');
    const r = run(['run', p, '--json']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:1: warning: 'w' does not affect the output 'y'`));
    assert.deepEqual(JSON.parse(r.stdout), { output: 'y', values: { x: 1, w: 5, y: 2 }, grads: { x: 2, w: 0, y: 1 }, nonFinite: [] });
  });

  it('human output: aligned names, numpy-style numbers', () => {
    const r = run(['run', 'examples/relu.backprop']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^output: y = \[\[1\. 0\.\]/);
    assert.match(r.stdout, / {2}x = \[\[ 1\. {2}-0\.5\]\n {7}\[-2\. {3}3\. \]\]/);
    assert.match(r.stdout, /gradients ∂y\/∂name:\n {2}x = \[\[1\. 0\.\]\n {7}\[0\. 1\.\]\]/);
  });
});

describe('cli steps', () => {
  type Steps = { output: string; forwardSteps: number; totalSteps: number; steps: { step: number; phase: string; node: string; op: string; inputs?: { node: string; value: unknown }[]; output?: unknown; dout?: unknown; grads?: { node: string; grad: unknown }[] }[] };

  it('--json: forward then backward, one node each, with inputs, outputs and gradients', () => {
    const out = json<Steps>(run(['steps', 'examples/buy-apple.backprop', '--json']));
    assert.equal(out.totalSteps, 4);
    assert.equal(out.forwardSteps, 2);
    assert.deepEqual(
      out.steps.map((s) => `${s.step} ${s.phase} ${s.node}`),
      ['1 forward apple_price', '2 forward price', '3 backward price', '4 backward apple_price'],
    );
    assert.deepEqual(out.steps[0].inputs, [
      { node: 'apple', value: 100 },
      { node: 'apple_num', value: 2 },
    ]);
    assert.equal(out.steps[0].output, 200);
    assert.equal(out.steps[2].dout, 1);
    const last = out.steps[3];
    assert.ok(Math.abs((last.dout as number) - 1.1) < 1e-12);
    assert.deepEqual(
      last.grads?.map((g) => g.node),
      ['apple', 'apple_num'],
    );
    assert.ok(Math.abs((last.grads?.[0].grad as number) - 2.2) < 1e-12);
  });

  it('--json --expand: sigmoid shows its four primitive steps each way', () => {
    const out = json<Steps>(run(['steps', 'examples/sigmoid.backprop', '--json', '--expand']));
    assert.equal(out.forwardSteps, 4);
    assert.deepEqual(
      out.steps.slice(0, 4).map((s) => s.op),
      ['mul', 'exp', 'add', 'recip'],
    );
    assert.ok(Math.abs((out.steps[7].grads?.[0].grad as number) - 0.25) < 1e-15);
  });

  it('human output lists every step', () => {
    const r = run(['steps', 'examples/buy-apple-orange.backprop']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^8 steps: 4 forward, 4 backward \(output: price\)/);
    assert.match(r.stdout, /step 8\/8 {2}backward {2}apple_price = mul\(apple, apple_num\)\n {2}rule z = x·y;/);
  });
});

describe('cli gradcheck', () => {
  it('--json: exactly {leaves, numericalMs, backpropMs}; two-layer net below 1e-6', () => {
    const out = json<{ leaves: Record<string, { maxAbsDiff: number; meanAbsDiff: number }>; numericalMs: number; backpropMs: number }>(run(['gradcheck', 'examples/two-layer-net.backprop', '--json']));
    assert.deepEqual(Object.keys(out), ['leaves', 'numericalMs', 'backpropMs']);
    assert.deepEqual(Object.keys(out.leaves).sort(), ['W1', 'W2', 'b1', 'b2', 'x']);
    for (const [name, l] of Object.entries(out.leaves)) {
      assert.deepEqual(Object.keys(l), ['maxAbsDiff', 'meanAbsDiff', 'elements', 'checked', 'sampled']);
      assert.ok(l.maxAbsDiff < 1e-6, name);
      assert.ok(l.meanAbsDiff <= l.maxAbsDiff, name);
    }
    assert.equal(typeof out.numericalMs, 'number');
    assert.equal(typeof out.backpropMs, 'number');
  });

  it('constant labels are not checked', () => {
    const out = json<{ leaves: Record<string, unknown> }>(run(['gradcheck', 'examples/softmax-with-loss.backprop', '--json']));
    assert.deepEqual(Object.keys(out.leaves), ['x']);
  });

  it('human output: a table and the timings', () => {
    const r = run(['gradcheck', 'examples/affine-batch.backprop']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /leaf\s+elements\s+checked\s+max \|diff\|\s+mean \|diff\|/);
    assert.match(r.stdout, /\nW\s+6\s+6\s+\d\.\d\de-\d\d/);
    assert.match(r.stdout, /numerical gradient: [\d.]+ ms, backprop: [\d.]+ ms/);
  });
});

describe('cli errors: exit 1, nothing on stdout, FILE:LINE:COLUMN: error: MESSAGE', () => {
  it('compile errors, with FILE exactly as given and further errors on further lines', () => {
    const p = file('bad.backprop', 'x = [1, 2\ny = x @ zz\nz = sigmod(y)\n');
    for (const given of [p, relative(ROOT, p)]) {
      const lines = failure(run(['run', given]));
      assert.equal(lines[0], `${given}:1:5: error: '[' is never closed: add ']'`);
      assert.equal(lines[1], `${given}:2:9: error: 'zz' is not defined; define it first, e.g. zz = 1`);
      assert.match(lines[2], new RegExp(`^${given.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:5: error: unknown function 'sigmod'`));
    }
    const rel = relative(join(ROOT, 'examples'), p);
    assert.match(failure(run(['steps', rel, '--json'], join(ROOT, 'examples')))[0], new RegExp(`^${rel.replace(/\./g, '\\.')}:1:5: error: `));
  });

  it('every subcommand and --json fail the same way', () => {
    const p = file('shape.backprop', 'x = [[1, 2]]\ny = x @ x\n');
    for (const cmd of ['run', 'steps', 'gradcheck']) {
      for (const extra of [[], ['--json'], ['--expand']]) {
        const lines = failure(run([cmd, p, ...extra]));
        assert.equal(lines[0], `${p}:2:5: error: shapes (1, 2) and (1, 2) cannot be matrix-multiplied: inner sizes 2 and 1 differ`);
      }
    }
  });

  it('missing file, a directory, an empty file, binary garbage', () => {
    assert.match(failure(run(['run', 'no/such/file.backprop']))[0], /^no\/such\/file\.backprop: error: cannot read the file: no such file$/);
    assert.match(failure(run(['run', 'examples']))[0], /^examples: error: cannot read the file: it is a directory/);
    assert.match(failure(run(['run', file('empty.backprop', '')]))[0], /:1:1: error: the program has no assignment/);
    const garbage = join(dir, 'garbage.backprop');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)));
    const lines = failure(run(['run', garbage]));
    assert.match(lines[0], /^.*garbage\.backprop:\d+:\d+: error: /);
    assert.ok(lines.length <= 101);
  });

  it('a file far over the size limit is refused before reading; a BOM is fine', () => {
    const big = file('big.backprop', `x = 1\n${'# padding\n'.repeat(100_000)}`);
    assert.match(failure(run(['run', big]))[0], /big\.backprop: error: cannot read the file: the file is too large/);
    const bom = file('bom.backprop', '\ufeffx = 2\ny = x * 3\n');
    assert.equal(json<RunJson>(run(['run', bom, '--json'])).values.y, 6);
  });

  it('bad arguments are one clear line', () => {
    const cases: [string[], RegExp][] = [
      [[], /^backprop: error: missing command/],
      [['frob'], /^backprop: error: unknown command 'frob'/],
      [['run'], /^backprop: error: 'run' needs a FILE/],
      [['run', 'a', 'b'], /^backprop: error: 'run' takes one FILE/],
      [['run', 'examples/buy-apple.backprop', '--bogus'], /^backprop: error: unknown option '--bogus'/],
      [['gradcheck', '-x', 'examples/buy-apple.backprop'], /^backprop: error: unknown option '-x'/],
    ];
    for (const [args, re] of cases) {
      const lines = failure(run(args));
      assert.equal(lines.length, 1, args.join(' '));
      assert.match(lines[0], re);
    }
  });

  it('mutated examples: exit 0 or a clean error, never a stack trace', () => {
    const src = readFileSync(join(EXAMPLES, 'two-layer-net.backprop'), 'utf8');
    const edits = ['(', ']', '**', '@', '$', '\n', 'relu(', '1e999', ', ', 'x', '-'];
    for (let k = 0; k < 12; k++) {
      const at = (k * 9973) % src.length;
      const p = file(`mut${k}.backprop`, src.slice(0, at) + edits[k % edits.length] + src.slice(at + (k % 3)));
      const r = run(['run', p, '--json']);
      if (r.code === 0) JSON.parse(r.stdout);
      else assert.match(failure(r)[0], new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: `));
    }
  });
});

describe('cli --help and --version', () => {
  it('--help prints the usage, exit 0', () => {
    const r = run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage:\n {2}backprop run FILE \[--json\] \[--expand\]/);
    assert.equal(r.stderr, '');
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = run(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), pkg.version);
  });
});
