import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TwoLayerNet, NET_PARAM_KEYS } from '../../../../src/engine/net/twoLayerNet';
import { Rng } from '../../../../src/engine/random';

/** The book's layers written out the obvious way on number[][] — the independent reference. */
function referenceStep(
  x: number[][], t: number[], W1: number[][], b1: number[], W2: number[][], b2: number[],
): { loss: number; W1: number[][]; b1: number[]; W2: number[][]; b2: number[]; scores: number[][] } {
  const N = x.length;
  const dot = (a: number[][], b: number[][]): number[][] =>
    a.map((row) => b[0].map((_, j) => row.reduce((s, v, p) => s + v * b[p][j], 0)));
  const T = (a: number[][]): number[][] => a[0].map((_, j) => a.map((r) => r[j]));
  const a1 = dot(x, W1).map((r) => r.map((v, j) => v + b1[j]));
  const z1 = a1.map((r) => r.map((v) => (v <= 0 ? 0 : v)));
  const a2 = dot(z1, W2).map((r) => r.map((v, j) => v + b2[j]));
  const y = a2.map((r) => {
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m));
    const s = e.reduce((p, q) => p + q, 0);
    return e.map((v) => v / s);
  });
  const loss = -y.reduce((s, r, i) => s + Math.log(r[t[i]] + 1e-7), 0) / N;
  const dy = y.map((r, i) => r.map((v, j) => (v - (j === t[i] ? 1 : 0)) / N));
  const gW2 = dot(T(z1), dy);
  const gb2 = dy[0].map((_, j) => dy.reduce((s, r) => s + r[j], 0));
  const dz1 = dot(dy, T(W2)).map((r, i) => r.map((v, j) => (a1[i][j] <= 0 ? 0 : v)));
  const gW1 = dot(T(x), dz1);
  const gb1 = dz1[0].map((_, j) => dz1.reduce((s, r) => s + r[j], 0));
  return { loss, W1: gW1, b1: gb1, W2: gW2, b2: gb2, scores: a2 };
}

function rows(a: Float64Array, r: number, c: number): number[][] {
  return Array.from({ length: r }, (_, i) => Array.from(a.subarray(i * c, (i + 1) * c)));
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    assert.ok(d <= rel * Math.max(Math.abs(expected[i]), scale * 1e-3, 1e-300), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

function makeData(n: number, inputSize: number, classes: number, seed: number): { x: Float64Array; t: number[] } {
  const rng = new Rng(seed);
  const x = new Float64Array(n * inputSize);
  for (let i = 0; i < x.length; i++) x[i] = rng.randn();
  const t = Array.from({ length: n }, () => Math.floor(rng.next() * classes));
  return { x, t };
}

for (const backend of ['typescript', 'auto'] as const) {
  test(`TwoLayerNet (${backend}) matches the book's layers written out naively`, () => {
    for (const [I, H, O, N] of [[7, 5, 3, 4], [1, 1, 2, 1], [13, 9, 10, 11], [30, 17, 4, 25]]) {
      const net = new TwoLayerNet(I, H, O, { seed: 3, weightInitStd: 0.5, maxBatch: 32, backend });
      // Non-zero biases so their gradients and the bias add are exercised.
      net.params.b1.forEach((_, j) => (net.params.b1[j] = 0.1 * (j % 3) - 0.1));
      net.params.b2.forEach((_, j) => (net.params.b2[j] = 0.05 * j));
      const { x, t } = makeData(N, I, O, 11);
      const p = net.params;
      const ref = referenceStep(rows(x, N, I), t, rows(p.W1, I, H), Array.from(p.b1), rows(p.W2, H, O), Array.from(p.b2));
      const loss = net.gradient(x, t, N);
      assertClose([loss], [ref.loss], 1e-12, 'loss');
      assertClose(net.grads.W1, ref.W1.flat(), 1e-12, 'dW1');
      assertClose(net.grads.b1, ref.b1, 1e-12, 'db1');
      assertClose(net.grads.W2, ref.W2.flat(), 1e-12, 'dW2');
      assertClose(net.grads.b2, ref.b2, 1e-12, 'db2');
      assertClose([net.loss(x, t, N)], [ref.loss], 1e-12, 'loss()');
      const correct = ref.scores.filter((r, i) => r.indexOf(Math.max(...r)) === t[i]).length;
      assert.equal(net.accuracy(x, t, N), correct / N);
    }
  });
}

test('gradient agrees with a central-difference numerical gradient', () => {
  // Moderate weights: with tiny softmax outputs the +1e-7 inside the log would bend the numerical slope.
  const net = new TwoLayerNet(6, 4, 3, { seed: 1, weightInitStd: 0.3, maxBatch: 5 });
  const { x, t } = makeData(5, 6, 3, 2);
  net.gradient(x, t, 5);
  const grads = { W1: net.grads.W1.slice(), b1: net.grads.b1.slice(), W2: net.grads.W2.slice(), b2: net.grads.b2.slice() };
  for (const key of NET_PARAM_KEYS) {
    const p = net.params[key];
    for (let i = 0; i < p.length; i++) {
      const keep = p[i];
      p[i] = keep + 1e-5;
      const up = net.loss(x, t, 5);
      p[i] = keep - 1e-5;
      const down = net.loss(x, t, 5);
      p[i] = keep;
      const numerical = (up - down) / 2e-5;
      assert.ok(Math.abs(numerical - grads[key][i]) < 1e-6, `${key}[${i}]: numerical ${numerical} vs backprop ${grads[key][i]}`);
    }
  }
});

test('numericalGradient is the book\'s central difference and agrees with backprop', () => {
  const net = new TwoLayerNet(8, 5, 3, { seed: 4, weightInitStd: 0.3, maxBatch: 3 });
  const { x, t } = makeData(3, 8, 3, 6);
  net.gradient(x, t, 3);
  const before = net.snapshot();
  let calls = 0;
  const num = net.numericalGradient(x, t, 3, 1e-4, () => calls++, 10);
  assert.deepEqual(net.snapshot(), before, 'parameters restored');
  assert.ok(calls >= 6);
  for (const key of NET_PARAM_KEYS) {
    for (let i = 0; i < num[key].length; i++) assert.ok(Math.abs(num[key][i] - net.grads[key][i]) < 1e-6, `${key}[${i}]`);
  }
  // Exactly the formula: (L(p + h) − L(p − h)) / 2h for one parameter.
  const keep = net.params.b2[1];
  net.params.b2[1] = keep + 1e-4;
  const up = net.loss(x, t, 3);
  net.params.b2[1] = keep - 1e-4;
  const down = net.loss(x, t, 3);
  net.params.b2[1] = keep;
  assert.equal(num.b2[1], (up - down) / 2e-4);
});

test('same seed gives the same weights; the init has the requested spread and zero biases', () => {
  const a = new TwoLayerNet(784, 50, 10, { seed: 0 });
  const b = new TwoLayerNet(784, 50, 10, { seed: 0 });
  const c = new TwoLayerNet(784, 50, 10, { seed: 1 });
  assert.deepEqual(a.params.W1, b.params.W1);
  assert.notDeepEqual(a.params.W1, c.params.W1);
  const w = a.params.W1;
  const mean = w.reduce((s, v) => s + v, 0) / w.length;
  const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
  assert.ok(Math.abs(mean) < 0.0005 && Math.abs(std - 0.01) < 0.0005, `mean ${mean}, std ${std}`);
  assert.ok(a.params.b1.every((v) => v === 0) && a.params.b2.every((v) => v === 0));
});

test('loss and accuracy over more rows than maxBatch process chunks and agree with one big batch', () => {
  const big = new TwoLayerNet(5, 4, 3, { seed: 2, weightInitStd: 1, maxBatch: 64 });
  const small = new TwoLayerNet(5, 4, 3, { seed: 2, weightInitStd: 1, maxBatch: 7 });
  const { x, t } = makeData(50, 5, 3, 9);
  assertClose([small.loss(x, t, 50)], [big.loss(x, t, 50)], 1e-12, 'chunked loss');
  assert.equal(small.accuracy(x, t, 50), big.accuracy(x, t, 50));
});

test('sgdStep moves params against the gradient; gradientOfRows gathers rows', () => {
  const net = new TwoLayerNet(4, 3, 2, { seed: 5, weightInitStd: 1, maxBatch: 3 });
  const { x, t } = makeData(10, 4, 2, 4);
  const before = net.loss(x, t, 10);
  const l1 = net.gradientOfRows(x, t, [7, 2, 9]);
  const picked = new Float64Array([...x.subarray(28, 32), ...x.subarray(8, 12), ...x.subarray(36, 40)]);
  assert.equal(net.gradient(picked, [t[7], t[2], t[9]], 3), l1);
  const w = net.params.W1.slice();
  const g = net.grads.W1.slice();
  net.sgdStep(0.1);
  net.params.W1.forEach((v, i) => assert.equal(v, w[i] - 0.1 * g[i]));
  for (let i = 0; i < 200; i++) {
    net.gradient(x, t, 3);
    net.sgdStep(0.1);
  }
  assert.ok(net.loss(x, t, 3) < before);
});

test('bad input gives clear errors', () => {
  const net = new TwoLayerNet(4, 3, 2, { maxBatch: 2 });
  assert.throws(() => net.gradient(new Float64Array(12), [0, 1, 0], 3), /larger than maxBatch 2/);
  assert.throws(() => net.gradient(new Float64Array(4), [0, 1], 2), /x has 4 values/);
  assert.throws(() => net.gradient(new Float64Array(8), [0, 2], 2), /label 2 of row 2/);
  assert.throws(() => net.gradientOfRows(new Float64Array(8), [0, 1], [0, 5]), /row index 5/);
  assert.throws(() => new TwoLayerNet(0, 3, 2), /inputSize must be a positive integer/);
});
