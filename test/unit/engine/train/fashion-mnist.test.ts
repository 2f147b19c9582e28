/**
 * The book's training on real idx files: Fashion-MNIST from Debian's dataset-fashion-mnist
 * (installed by .ci/run). Book defaults and seed 0: test accuracy ≥ 0.82 after 3,000 iterations and
 * ≥ 0.85 after 10,000 (float64 numpy reaches about 0.87 with the same net).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadMnistFolder } from '../../../../src/node/mnistFolder';
import { BOOK_DEFAULTS, train } from '../../../../src/engine/train/trainer';

const DIR = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const present = existsSync(`${DIR}/train-images-idx3-ubyte.gz`) || existsSync(`${DIR}/train-images-idx3-ubyte`);
// In CI the data must be there (a silent skip would hide a missing install step).
const skip = !present && !process.env.CI ? `Fashion-MNIST not found in ${DIR} (apt-get install dataset-fashion-mnist)` : false;

test('Fashion-MNIST idx files load: 60,000 + 10,000 images of 28×28, pixels in [0, 1], 10 classes', { skip }, () => {
  const d = loadMnistFolder(DIR, 'Fashion-MNIST');
  assert.equal(d.train.count, 60000);
  assert.equal(d.test.count, 10000);
  assert.equal(d.train.features, 784);
  assert.equal(d.train.classes, 10);
  let max = 0;
  for (let i = 0; i < 784 * 100; i++) max = Math.max(max, d.train.x[i] / d.train.divisor);
  assert.equal(max, 1);
  const counts = new Array<number>(10).fill(0);
  for (const l of d.test.labels) counts[l]++;
  assert.deepEqual(counts, new Array<number>(10).fill(1000));
});

test('book defaults, seed 0: test accuracy ≥ 0.82 after 3,000 and ≥ 0.85 after 10,000 iterations', { skip, timeout: 30 * 60_000 }, async () => {
  const data = loadMnistFolder(DIR, 'Fashion-MNIST');
  const losses: number[] = [];
  const result = await train(data, { seed: 0 }, { checkpointsAt: [3000], onIteration: (_i, loss) => losses.push(loss) });
  assert.deepEqual(result.options, { ...BOOK_DEFAULTS, seed: 0 });
  assert.equal(result.iterations, 10_000);
  assert.equal(losses.length, 10_000);
  // Epochs as the book counts them: 60,000 / 100 = 600 iterations, measured at i % 600 == 0.
  assert.equal(result.epochs.length, 17);
  assert.deepEqual(result.epochs.slice(0, 3).map((e) => e.iteration), [1, 601, 1201]);
  const at3000 = result.checkpoints.find((c) => c.iteration === 3000);
  assert.ok(at3000, 'accuracy measured after 3,000 iterations');
  assert.ok(at3000.testAcc >= 0.82, `test accuracy after 3,000 iterations: ${at3000.testAcc}`);
  assert.ok(result.testAcc >= 0.85, `test accuracy after 10,000 iterations: ${result.testAcc}`);
  // The loss went down: mean of the last 100 well below the first.
  const tail = losses.slice(-100).reduce((a, b) => a + b, 0) / 100;
  assert.ok(losses[0] > 2.2 && tail < 0.5, `loss ${losses[0]} → ${tail}`);
  console.log(`# Fashion-MNIST: test acc ${at3000.testAcc} @3000, ${result.testAcc} @10000, train acc ${result.trainAcc}; ${(result.ms / 1000).toFixed(1)} s on ${result.backend}`);
});
