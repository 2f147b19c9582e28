/** The numbers of chapter 5, through the layers directly and through graphs and the stepper. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddLayer, Affine, MulLayer, Relu, Sigmoid, SoftmaxWithLoss } from '../../../src/engine/layers';
import { backprop } from '../../../src/engine/numgrad';
import { Stepper } from '../../../src/engine/stepper';
import { expandComposites } from '../../../src/engine/expand';
import { Tensor } from '../../../src/engine/tensor';
import { GraphBuilder, buyApple, buyAppleOrange, close } from './helpers';

const fusedShape = (g: GraphBuilder, id: number): string => g.nodes[id].shape.join(',');

const T = Tensor.from;

describe('book numbers through the layers', () => {
  it('buy apple: 220, gradients 2.2, 110, 200', () => {
    const mulApple = new MulLayer();
    const mulTax = new MulLayer();
    const applePrice = mulApple.forward([T(100), T(2)]);
    const price = mulTax.forward([applePrice, T(1.1)]);
    assert.ok(close(price, 220, 1e-12));
    const [dApplePrice, dTax] = mulTax.backward(T(1));
    assert.ok(dApplePrice);
    const [dApple, dAppleNum] = mulApple.backward(dApplePrice);
    assert.ok(close(dApple ?? undefined, 2.2, 1e-12));
    assert.ok(close(dAppleNum ?? undefined, 110, 1e-12));
    assert.ok(close(dTax ?? undefined, 200, 1e-12));
  });

  it('buy apple and orange: 715, gradients 2.2, 110, 3.3, 165, 650', () => {
    const mulApple = new MulLayer();
    const mulOrange = new MulLayer();
    const addFruit = new AddLayer();
    const mulTax = new MulLayer();
    const ap = mulApple.forward([T(100), T(2)]);
    const op = mulOrange.forward([T(150), T(3)]);
    const all = addFruit.forward([ap, op]);
    const price = mulTax.forward([all, T(1.1)]);
    assert.ok(close(price, 715, 1e-9));
    const [dAll, dTax] = mulTax.backward(T(1));
    const [dAp, dOp] = addFruit.backward(dAll as Tensor);
    const [dOrange, dOrangeNum] = mulOrange.backward(dOp as Tensor);
    const [dApple, dAppleNum] = mulApple.backward(dAp as Tensor);
    assert.ok(close(dApple ?? undefined, 2.2, 1e-12));
    assert.ok(close(dAppleNum ?? undefined, 110, 1e-12));
    assert.ok(close(dOrange ?? undefined, 3.3, 1e-12));
    assert.ok(close(dOrangeNum ?? undefined, 165, 1e-12));
    assert.ok(close(dTax ?? undefined, 650, 1e-12));
  });

  it('ReLU mask on x = [[1, -0.5], [-2, 3]], and dout is not mutated', () => {
    const relu = new Relu();
    const y = relu.forward([T([[1, -0.5], [-2, 3]])]);
    assert.deepEqual(y.toNested(), [[1, 0], [0, 3]]);
    assert.deepEqual(Array.from(relu.mask ?? []), [0, 1, 1, 0]);
    const dout = T([[5, 6], [7, 8]]);
    const [dx] = relu.backward(dout);
    assert.deepEqual(dx?.toNested(), [[5, 0], [0, 8]]);
    assert.deepEqual(dout.toNested(), [[5, 6], [7, 8]]);
  });

  it('sigmoid(0) = 0.5 with gradient 0.25', () => {
    const s = new Sigmoid();
    assert.equal(s.forward([T(0)]).item(), 0.5);
    assert.equal(s.backward(T(1))[0]?.item(), 0.25);
  });

  it('Affine: forward and backward of the book example', () => {
    const affine = new Affine();
    const W = T([[1, 2, 3], [4, 5, 6]]);
    const b = T([1, 2, 3]);
    const X = T([[1, 2], [3, 4]]);
    const out = affine.forward([X, W, b]);
    assert.deepEqual(out.toNested(), [[10, 14, 18], [20, 28, 36]]);
    const [dx, dW, db] = affine.backward(T([[1, 2, 3], [4, 5, 6]]));
    assert.deepEqual(dx?.toNested(), [[14, 32], [32, 77]]);
    assert.deepEqual(dW?.toNested(), [[13, 17, 21], [18, 24, 30]]);
    assert.deepEqual(db?.toNested(), [5, 7, 9]);
  });

  it('Softmax-with-Loss: loss 0.3057143290530003, gradient (y − t)/N, t gets null', () => {
    for (const t of [T([[0, 0, 1]]), T([0, 0, 1])]) {
      const layer = new SoftmaxWithLoss();
      const loss = layer.forward([T([[0.3, 2.9, 4.0]]), t]).item();
      assert.ok(Math.abs(loss - 0.3057143290530003) < 1e-15, `loss ${loss}`);
      const dout = T(1);
      const [dx, dt] = layer.backward(dout);
      assert.equal(dt, null);
      assert.deepEqual(dx?.shape, [1, 3]);
      const y = layer.y as Tensor;
      const expected = [y.data[0], y.data[1], y.data[2] - 1];
      expected.forEach((e, i) => assert.ok(Math.abs((dx as Tensor).data[i] - e) < 1e-15));
      assert.equal(dout.item(), 1);
    }
  });

  it('Softmax-with-Loss divides by the batch size', () => {
    const layer = new SoftmaxWithLoss();
    const x = T([[0.3, 2.9, 4.0], [0.3, 2.9, 4.0]]);
    const loss = layer.forward([x, T([[0, 0, 1], [0, 0, 1]])]).item();
    assert.ok(Math.abs(loss - 0.3057143290530003) < 1e-15);
    const [dx] = layer.backward(T(1));
    const single = new SoftmaxWithLoss();
    single.forward([T([[0.3, 2.9, 4.0]]), T([[0, 0, 1]])]);
    const [d1] = single.backward(T(1));
    for (let j = 0; j < 3; j++) assert.ok(Math.abs((dx as Tensor).data[j] - (d1 as Tensor).data[j] / 2) < 1e-16);
  });
});

describe('book numbers through graphs and the stepper', () => {
  it('buy apple', () => {
    const { graph, ids } = buyApple();
    const s = new Stepper(graph);
    s.runBackward();
    assert.ok(close(s.valueAt(ids.price), 220, 1e-12));
    assert.ok(close(s.gradAt(ids.apple), 2.2, 1e-12));
    assert.ok(close(s.gradAt(ids.apple_num), 110, 1e-12));
    assert.ok(close(s.gradAt(ids.tax), 200, 1e-12));
    assert.ok(close(s.gradAt(ids.price), 1));
  });

  it('buy apple and orange', () => {
    const { graph, ids } = buyAppleOrange();
    const { values, grads } = backprop(graph);
    assert.ok(close(values[ids.price], 715, 1e-9));
    const want: Record<string, number> = { apple: 2.2, apple_num: 110, orange: 3.3, orange_num: 165, tax: 650 };
    for (const [name, g] of Object.entries(want)) assert.ok(close(grads[ids[name]], g, 1e-9), name);
    assert.ok(close(grads[ids.all_price], 1.1, 1e-15));
  });

  it('batched Affine through a graph, fused and expanded: db is the column sum', () => {
    const g = new GraphBuilder();
    const X = g.leaf('X', [[1, 2], [3, 4]]);
    const W = g.leaf('W', [[1, 2, 3], [4, 5, 6]]);
    const b = g.leaf('b', [1, 2, 3]);
    const Y = g.op('affine', [X, W, b], { name: 'Y' });
    assert.equal(fusedShape(g, Y), '2,3');
    const D = g.leaf('D', [[1, 2, 3], [4, 5, 6]], { constant: true });
    const L = g.op('mul', [Y, D], { name: 'P' });
    g.op('sum', [L], { name: 'L' });
    const fused = g.build();
    for (const graph of [fused, expandComposites(fused)]) {
      const byLabel = new Map(graph.nodes.map((n) => [n.label, n.id]));
      const { values, grads } = backprop(graph);
      assert.deepEqual(values[byLabel.get('Y') as number].toNested(), [[10, 14, 18], [20, 28, 36]]);
      assert.deepEqual(grads[byLabel.get('X') as number]?.toNested(), [[14, 32], [32, 77]]);
      assert.deepEqual(grads[byLabel.get('W') as number]?.toNested(), [[13, 17, 21], [18, 24, 30]]);
      assert.deepEqual(grads[byLabel.get('b') as number]?.toNested(), [5, 7, 9]);
    }
  });

  it('sigmoid fused and expanded into the four book nodes', () => {
    const g = new GraphBuilder();
    const x = g.leaf('x', 0);
    g.op('sigmoid', [x], { name: 'y' });
    const fused = g.build();
    const expanded = expandComposites(fused);
    assert.deepEqual(
      expanded.nodes.filter((n) => n.op !== 'leaf').map((n) => n.op),
      ['mul', 'exp', 'add', 'recip'],
    );
    for (const graph of [fused, expanded]) {
      const { values, grads } = backprop(graph);
      assert.equal(values[graph.output].item(), 0.5);
      assert.equal(grads[0]?.item(), 0.25);
    }
  });
});
