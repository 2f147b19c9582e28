import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), readFile: () => '', readBytes: () => new Uint8Array(), writeBytes: () => undefined };
  const code = await main(args, io);
  return { code, out, err };
}

test('train on the spiral (the default): per-epoch lines, then exactly one JSON line', async () => {
  const r = await run(['train', '--iters', '90', '--json']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const lines = r.out.trimEnd().split('\n');
  assert.match(lines[0], /^data: spiral: 3000 training and 1500 test samples/);
  assert.equal(lines.filter((l) => /^epoch \d+ \(iteration \d+\): train acc 0\.\d{4}, test acc 0\.\d{4}$/.test(l)).length, 3);
  const json = JSON.parse(lines[lines.length - 1]) as Record<string, number>;
  assert.deepEqual(Object.keys(json), ['trainAcc', 'testAcc', 'iters', 'ms']);
  assert.equal(json.iters, 90);
  assert.ok(json.testAcc >= 0 && json.testAcc <= 1);
  assert.equal(lines.filter((l) => l.startsWith('{')).length, 1);
});

test('train options are passed through; the same seed gives the same numbers', async () => {
  const a = await run(['train', '--data', 'spiral', '--iters', '40', '--seed', '5', '--hidden', '8', '--batch', '20', '--lr', '0.5', '--json']);
  const b = await run(['train', '--data=spiral', '--iters=40', '--seed=5', '--hidden=8', '--batch=20', '--lr=0.5', '--json']);
  assert.equal(a.code, 0, a.err);
  assert.match(a.out, /net: 2-8-3, batch 20, learning rate 0\.5, 40 iterations, seed 5/);
  const last = (s: string) => JSON.parse(s.trimEnd().split('\n').pop() ?? '') as { trainAcc: number; testAcc: number };
  assert.equal(last(a.out).testAcc, last(b.out).testAcc);
});

test('train errors: exit 1, one line on stderr, nothing on stdout', async () => {
  const cases: [string[], RegExp][] = [
    [['train', '--data', '/nonexistent/dir'], /^backprop: error: data folder not found: \/nonexistent\/dir\n$/],
    [['train', '--iters', 'many'], /^backprop: error: --iters needs a number, got 'many'\n$/],
    [['train', '--iters'], /^backprop: error: --iters needs a value\n$/],
    [['train', '--batch', '0'], /^backprop: error: batch must be a whole number ≥ 1, got 0\n$/],
    [['train', '--frobnicate'], /^backprop: error: unknown option '--frobnicate' for 'train'/],
  ];
  for (const [args, pattern] of cases) {
    const r = await run(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.out, '', args.join(' '));
    assert.match(r.err, pattern);
  }
});

test('train --help explains --data spiral', async () => {
  const r = await run(['train', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /--data spiral, or no --data: the built-in synthetic spiral/);
});
