/** Shape inference and the tensor operations under it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as ops from '../../../src/engine/ops';
import { OP_ARITY, inferShape } from '../../../src/engine/layers';
import { broadcastShapes } from '../../../src/engine/shapes';
import { Tensor } from '../../../src/engine/tensor';

const T = Tensor.from;

describe('shapes', () => {
  it('broadcasts like numpy', () => {
    assert.deepEqual(broadcastShapes([2, 3], [3]), [2, 3]);
    assert.deepEqual(broadcastShapes([2, 1], [1, 3]), [2, 3]);
    assert.deepEqual(broadcastShapes([], [2, 3]), [2, 3]);
    assert.deepEqual(broadcastShapes([4], [3, 1]), [3, 4]);
    assert.equal(broadcastShapes([2, 3], [2]), 'shapes (2, 3) and (2,) cannot be broadcast together: sizes 3 and 2 differ');
  });

  it('infers matmul shapes with numpy 1-D rules and explains mismatches', () => {
    assert.deepEqual(inferShape('matmul', [[2, 3], [3, 4]]), { shape: [2, 4] });
    assert.deepEqual(inferShape('matmul', [[3], [3, 4]]), { shape: [4] });
    assert.deepEqual(inferShape('matmul', [[2, 3], [3]]), { shape: [2] });
    assert.deepEqual(inferShape('matmul', [[3], [3]]), { shape: [] });
    assert.deepEqual(inferShape('matmul', [[1, 2], [1, 2]]), {
      error: 'shapes (1, 2) and (1, 2) cannot be matrix-multiplied: inner sizes 2 and 1 differ',
    });
    const scalar = inferShape('matmul', [[], [2]]);
    assert.ok('error' in scalar && /scalar/.test(scalar.error));
  });

  it('infers affine, softmax_with_loss, reductions and unary ops', () => {
    assert.deepEqual(inferShape('affine', [[5, 2], [2, 3], [3]]), { shape: [5, 3] });
    assert.deepEqual(inferShape('affine', [[2], [2, 3], [3]]), { shape: [3] });
    const badB = inferShape('affine', [[5, 2], [2, 3], [2]]);
    assert.ok('error' in badB && /b must have shape \(3,\)/.test(badB.error));
    const badX = inferShape('affine', [[5, 4], [2, 3], [3]]);
    assert.ok('error' in badX && /last size 4 must equal W's first size 2/.test(badX.error));
    assert.deepEqual(inferShape('softmax_with_loss', [[2, 3], [2, 3]]), { shape: [] });
    assert.deepEqual(inferShape('softmax_with_loss', [[1, 3], [3]]), { shape: [] });
    assert.ok('error' in inferShape('softmax_with_loss', [[2, 3], [3]]));
    assert.ok('error' in inferShape('softmax_with_loss', [[], []]));
    assert.deepEqual(inferShape('sum', [[2, 3]]), { shape: [] });
    assert.deepEqual(inferShape('mean', [[4]]), { shape: [] });
    assert.deepEqual(inferShape('relu', [[2, 2]]), { shape: [2, 2] });
    assert.deepEqual(inferShape('pow', [[2]], { exponent: 3 }), { shape: [2] });
    assert.ok('error' in inferShape('pow', [[2]]));
    assert.deepEqual(inferShape('add', [[2], [3]]), { error: 'shapes (2,) and (3,) cannot be broadcast together: sizes 2 and 3 differ' });
    assert.deepEqual(inferShape('mul', [[2]]), { error: '* takes 2 arguments, got 1' });
    assert.ok('error' in inferShape('leaf', []));
    assert.ok('error' in inferShape('exp', [[1, 2, 3]]));
  });

  it('has an arity for every op and never throws', () => {
    assert.equal(Object.keys(OP_ARITY).length, 17);
    const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(OP_ARITY) as (keyof typeof OP_ARITY)[])), fc.array(shapeArb, { maxLength: 4 }), (op, shapes) => {
        const r = inferShape(op, shapes, { exponent: 2 });
        assert.ok('shape' in r || typeof r.error === 'string');
      }),
    );
  });
});

describe('ops', () => {
  it('broadcasts elementwise and never mutates inputs', () => {
    const a = T([[1, 2, 3], [4, 5, 6]]);
    const b = T([10, 20, 30]);
    assert.deepEqual(ops.add(a, b).toNested(), [[11, 22, 33], [14, 25, 36]]);
    assert.deepEqual(ops.mul(T([[1], [2]]), T([1, 2, 3])).toNested(), [[1, 2, 3], [2, 4, 6]]);
    assert.deepEqual(ops.sub(T(1), a).toNested(), [[0, -1, -2], [-3, -4, -5]]);
    assert.deepEqual(a.toNested(), [[1, 2, 3], [4, 5, 6]]);
    assert.throws(() => ops.add(a, T([1, 2])), /cannot be broadcast/);
  });

  it('sumTo reduces a broadcast gradient to each operand shape', () => {
    const g = T([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(ops.sumTo(g, [3]).toNested(), [5, 7, 9]);
    assert.deepEqual(ops.sumTo(g, [1, 3]).toNested(), [[5, 7, 9]]);
    assert.deepEqual(ops.sumTo(g, [2, 1]).toNested(), [[6], [15]]);
    assert.deepEqual(ops.sumTo(g, []).toNested(), 21);
    assert.deepEqual(ops.sumTo(g, [1]).toNested(), [21]);
    const same = ops.sumTo(g, [2, 3]);
    assert.notEqual(same, g);
    assert.notEqual(same.data, g.data);
    assert.throws(() => ops.sumTo(g, [2]), /cannot sum/);
  });

  it('matmul and its backward follow numpy for vectors and matrices', () => {
    const A = T([[1, 2], [3, 4]]);
    const v = T([1, 1]);
    assert.deepEqual(ops.matmul(A, v).toNested(), [3, 7]);
    assert.deepEqual(ops.matmul(v, A).toNested(), [4, 6]);
    assert.equal(ops.matmul(v, v).item(), 2);
    assert.deepEqual(ops.transpose(A).toNested(), [[1, 3], [2, 4]]);
    const [da, db] = ops.matmulBackward(v, A, T([1, 2]));
    assert.deepEqual(da.toNested(), [5, 11]);
    assert.deepEqual(db.toNested(), [[1, 2], [1, 2]]);
    const [dA, dv] = ops.matmulBackward(A, v, T([1, 2]));
    assert.deepEqual(dA.toNested(), [[1, 1], [2, 2]]);
    assert.deepEqual(dv.toNested(), [7, 10]);
    const [dx, dy] = ops.matmulBackward(T([1, 2]), T([3, 4]), T(2));
    assert.deepEqual([dx.toNested(), dy.toNested()], [[6, 8], [2, 4]]);
  });
});
