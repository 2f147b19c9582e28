import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Affine, Relu, SoftmaxWithLoss } from '../../../../src/engine/layers';
import { Tensor } from '../../../../src/engine/tensor';
import { TwoLayerNet, NET_PARAM_KEYS } from '../../../../src/engine/net/twoLayerNet';
import { Rng } from '../../../../src/engine/random';

function assertRel(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    assert.ok(d <= 1e-12 * Math.abs(expected[i]) || d === 0, `${what}[${i}]: ${actual[i]} vs ${expected[i]} (rel ${d / Math.abs(expected[i])})`);
  }
}

/** The engine's generic layers (the ones the stepper runs) on the same inputs as the fast net. */
for (const backend of ['wasm', 'typescript'] as const) {
  test(`TwoLayerNet (${backend}) agrees with the engine's Affine → Relu → Affine → SoftmaxWithLoss to 1e-12`, () => {
    for (const [I, H, O, N] of [[784, 50, 10, 7], [5, 3, 2, 1], [13, 9, 4, 6]]) {
      const net = new TwoLayerNet(I, H, O, { seed: 9, weightInitStd: 0.3, maxBatch: N, backend });
      net.params.b1.forEach((_, j) => (net.params.b1[j] = 0.01 * ((j % 5) - 2)));
      net.params.b2.forEach((_, j) => (net.params.b2[j] = 0.02 * j));
      const rng = new Rng(21);
      const x = Float64Array.from({ length: N * I }, () => rng.next());
      const labels = Array.from({ length: N }, () => Math.floor(rng.next() * O));
      const onehot = new Float64Array(N * O);
      labels.forEach((t, i) => (onehot[i * O + t] = 1));

      const p = net.params;
      const affine1 = new Affine(), relu = new Relu(), affine2 = new Affine(), last = new SoftmaxWithLoss();
      const W1 = new Tensor([I, H], p.W1.slice()), b1 = new Tensor([H], p.b1.slice());
      const W2 = new Tensor([H, O], p.W2.slice()), b2 = new Tensor([O], p.b2.slice());
      const a1 = affine1.forward([new Tensor([N, I], x), W1, b1]);
      const z1 = relu.forward([a1]);
      const a2 = affine2.forward([z1, W2, b2]);
      const loss = last.forward([a2, new Tensor([N, O], onehot)]).item();
      const [da2] = last.backward(Tensor.scalar(1));
      const [dz1, gW2, gb2] = affine2.backward(da2 as Tensor);
      const [da1] = relu.backward(dz1 as Tensor);
      const [, gW1, gb1] = affine1.backward(da1 as Tensor);

      const fastLoss = net.gradient(x, labels, N);
      assertRel([fastLoss], [loss], `loss ${I}-${H}-${O}×${N}`);
      const expected = { W1: gW1, b1: gb1, W2: gW2, b2: gb2 };
      for (const key of NET_PARAM_KEYS) assertRel(net.grads[key], (expected[key] as Tensor).data, `${key} ${I}-${H}-${O}×${N}`);
      assertRel([net.loss(x, labels, N)], [loss], 'loss()');
    }
  });
}

test('the seeded init is what a .backprop program with the same seed draws (shared engine RNG)', async () => {
  const { compile } = await import('../../../../src/language');
  const source = ['seed 7', 'W1 = 0.01 * randn(6, 4)', 'b1 = zeros(4)', 'W2 = 0.01 * randn(4, 3)', 'b2 = zeros(3)', 'out = sum(W1) + sum(W2)'].join('\n');
  const r = compile(source);
  assert.ok(r.graph, r.diagnostics.map((d) => d.message).join('; '));
  const leaf = (name: string): Float64Array => {
    const node = r.graph?.nodes.find((n) => n.name === name);
    assert.ok(node?.value, `leaf ${name}`);
    return node.value.data;
  };
  const net = new TwoLayerNet(6, 4, 3, { seed: 7 });
  assert.deepEqual(Array.from(net.params.W1), Array.from(leaf('W1')));
  assert.deepEqual(Array.from(net.params.W2), Array.from(leaf('W2')));
});
