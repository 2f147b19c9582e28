import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spiralData } from '../../../../src/engine/train/dataset';
import { createRng } from '../../../../src/engine/random';
import { BOOK_DEFAULTS, iterationsPerEpoch, resolveTrainOptions, train } from '../../../../src/engine/train/trainer';

test('the spiral is seeded, balanced and bounded', () => {
  const a = spiralData({ seed: 3 });
  const b = spiralData({ seed: 3 });
  const c = spiralData({ seed: 4 });
  assert.deepEqual(a.train.x, b.train.x);
  assert.notDeepEqual(a.train.x, c.train.x);
  assert.equal(a.train.count, 3000);
  assert.equal(a.test.count, 1500);
  assert.equal(a.train.classes, 3);
  const counts = [0, 0, 0];
  for (const l of a.train.labels) counts[l]++;
  assert.deepEqual(counts, [1000, 1000, 1000]);
  for (const v of a.train.x) assert.ok(Math.abs(v) <= 4.0001);
});

test('seeded batch choice is uniform with replacement and reproducible', () => {
  const r1 = createRng(0, 'training');
  const r2 = createRng(0, 'training');
  const out1 = r1.choice(10, new Int32Array(10_000));
  const out2 = r2.choice(10, new Int32Array(10_000));
  assert.deepEqual(out1, out2);
  const counts = new Array<number>(10).fill(0);
  for (const i of out1) counts[i]++;
  for (const c of counts) assert.ok(c > 850 && c < 1150, `counts ${counts.join(' ')}`);
});

test('options: book defaults, overrides, and clear errors for bad values', () => {
  assert.deepEqual(resolveTrainOptions({}), BOOK_DEFAULTS);
  assert.deepEqual(resolveTrainOptions({ hidden: 10, iterations: undefined }), { ...BOOK_DEFAULTS, hidden: 10 });
  assert.throws(() => resolveTrainOptions({ batch: 0 }), /batch must be a whole number ≥ 1, got 0/);
  assert.throws(() => resolveTrainOptions({ iterations: 1.5 }), /iterations must be a whole number/);
  assert.throws(() => resolveTrainOptions({ learningRate: Number.NaN }), /learning rate must be a number > 0/);
  assert.throws(() => resolveTrainOptions({ seed: -1 }), /seed must be a whole number/);
  assert.equal(iterationsPerEpoch(60000, 100), 600);
  assert.equal(iterationsPerEpoch(50, 100), 1);
});

test('training on the spiral learns it, deterministically, with per-epoch accuracy', async () => {
  const data = spiralData();
  const run = () => train(data, { iterations: 1500 });
  const a = await run();
  const b = await run();
  assert.equal(a.iterations, 1500);
  assert.equal(a.cancelled, false);
  assert.deepEqual(a.epochs, b.epochs);
  assert.deepEqual(a.params.W1, b.params.W1);
  // 3,000 samples / batch 100 = 30 iterations per epoch, first measured after the first update.
  assert.deepEqual(a.epochs.slice(0, 3).map((e) => e.iteration), [1, 31, 61]);
  assert.equal(a.epochs.length, 50);
  assert.ok(a.epochs[0].testAcc < 0.6, `before learning: ${a.epochs[0].testAcc}`);
  assert.ok(a.testAcc > 0.9, `spiral test accuracy after 1,500 iterations: ${a.testAcc}`);
  assert.equal(a.params.W1.length, 2 * 50);
  assert.equal(a.params.b2.length, 3);
});

test('progress, yields and cancel: the loop stops where asked and reports it', async () => {
  const data = spiralData();
  const seen: number[] = [];
  let yields = 0;
  const result = await train(data, { iterations: 500 }, {
    onIteration: (i) => seen.push(i),
    isCancelled: () => seen.length >= 120,
    yieldControl: async () => {
      yields++;
    },
    yieldEveryMs: 0,
  });
  assert.equal(result.cancelled, true);
  assert.equal(result.iterations, 120);
  assert.deepEqual(seen, Array.from({ length: 120 }, (_, i) => i + 1));
  assert.ok(yields >= 100, `yielded ${yields} times`);
  // The accuracy of the partly trained net is still reported.
  assert.ok(result.testAcc > 0 && result.testAcc <= 1);
});

test('a different seed gives a different net', async () => {
  const data = spiralData();
  const a = await train(data, { iterations: 10, seed: 1 });
  const b = await train(data, { iterations: 10, seed: 2 });
  assert.notDeepEqual(a.params.W1, b.params.W1);
});
