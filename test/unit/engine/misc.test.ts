/** Seeded RNG, gradient check reporting and cancelling, expansion labels, layer metadata. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandComposites, expandedIdMap } from '../../../src/engine/expand';
import { OP_ARITY, OP_INFO, createLayer } from '../../../src/engine/layers';
import { backprop, evaluate, gradientCheck } from '../../../src/engine/numgrad';
import { Rng } from '../../../src/engine/random';
import { GraphBuilder, buyAppleOrange, close } from './helpers';

describe('random', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 50 }, () => a.randn());
    assert.deepEqual(Array.from({ length: 50 }, () => b.randn()), xs);
    const c = new Rng(43);
    assert.notDeepEqual(Array.from({ length: 50 }, () => c.randn()), xs);
    const u = new Rng(1);
    for (let i = 0; i < 1000; i++) {
      const v = u.next();
      assert.ok(v >= 0 && v < 1);
    }
  });

  it('randn has mean ≈ 0 and variance ≈ 1', () => {
    const r = new Rng(2026);
    const t = r.randnTensor([200, 50]);
    const n = t.size;
    const mean = t.data.reduce((s, v) => s + v, 0) / n;
    const variance = t.data.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
    assert.ok(t.data.every(Number.isFinite));
  });
});

describe('gradient check', () => {
  it('reports per non-constant leaf, with tiny differences on the book graph', () => {
    const { graph, ids } = buyAppleOrange();
    const r = gradientCheck(graph);
    assert.ok(r.completed);
    assert.deepEqual(r.leaves.map((l) => l.label), ['apple', 'apple_num', 'orange', 'orange_num', 'tax']);
    for (const l of r.leaves) {
      assert.ok(l.maxAbsDiff < 1e-6, `${l.label} ${l.maxAbsDiff}`);
      assert.ok(l.meanAbsDiff <= l.maxAbsDiff);
    }
    assert.ok(close(r.leaves[4].numerical, 650, 1e-6));
    assert.ok(close(r.leaves[0].backprop, 2.2, 1e-12));
    assert.ok(r.backpropMs >= 0 && r.numericalMs >= 0);
    assert.equal(evaluate(graph)[ids.price].item(), backprop(graph).values[ids.price].item());
  });

  it('checks x**3 against its analytic gradient 3x²', () => {
    const g = new GraphBuilder();
    const x = g.leaf('x', [1, 2, 3]);
    g.op('sum', [g.op('pow', [x], { exponent: 3, name: 'y' })], { name: 'L' });
    const r = gradientCheck(g.build());
    assert.ok(r.leaves[0].maxAbsDiff < 1e-6);
    assert.ok(close(r.leaves[0].backprop, [3, 12, 27], 1e-12));
  });

  it('reports progress and stops when the callback returns false, leaving the graph untouched', () => {
    const g = new GraphBuilder();
    const x = g.leaf('x', [[1, 2], [3, 4]]);
    g.op('sum', [g.op('mul', [x, x])], { name: 'L' });
    const graph = g.build();
    const calls: [number, number][] = [];
    const r = gradientCheck(graph, { onProgress: (done, total) => (calls.push([done, total]), done < 2) });
    assert.equal(r.completed, false);
    assert.deepEqual(calls, [[1, 4], [2, 4]]);
    assert.deepEqual(graph.nodes[x].value?.toNested(), [[1, 2], [3, 4]]);
  });
});

describe('numerical gradient through matrix products', () => {
  it('is right when the other operand of a product also depends on the perturbed leaf', () => {
    const g = new GraphBuilder();
    const A = g.leaf('A', [[0.5, -1], [2, 0.25]]);
    const B = g.op('mul', [A, A], { name: 'B' });
    const C = g.op('matmul', [A, B], { name: 'C' });
    const x = g.leaf('x', [1, -2]);
    const b = g.leaf('b', [0.5, 0.5]);
    const D = g.op('affine', [x, C, b], { name: 'D' });
    g.op('sum', [D], { name: 'L' });
    const r = gradientCheck(g.build());
    assert.deepEqual(r.leaves.map((l) => l.label), ['A', 'x', 'b']);
    for (const l of r.leaves) assert.ok(l.maxAbsDiff < 1e-7, `${l.label}: ${l.maxAbsDiff}`);
  });

  it('handles vectors on either side of a product', () => {
    const g = new GraphBuilder();
    const v = g.leaf('v', [1, 2, 3]);
    const M = g.leaf('M', [[1, 0.5], [-1, 2], [0.25, 1]]);
    const u = g.leaf('u', [0.5, -0.5]);
    const vm = g.op('matmul', [v, M], { name: 'vm' });
    const mu = g.op('matmul', [M, u], { name: 'mu' });
    const s1 = g.op('matmul', [vm, u], { name: 's1' });
    const s2 = g.op('matmul', [mu, v], { name: 's2' });
    g.op('mul', [s1, s2], { name: 'L' });
    const r = gradientCheck(g.build());
    for (const l of r.leaves) assert.ok(l.maxAbsDiff < 1e-6, `${l.label}: ${l.maxAbsDiff}`);
  });
});

describe('expansion', () => {
  it('keeps names, labels and ranges, and leaves graphs without composites alone', () => {
    const g = new GraphBuilder();
    const x = g.leaf('x', [[1, 2]]);
    const W = g.leaf('W', [[1], [2]]);
    const b = g.leaf('b', [0.5]);
    const a = g.op('affine', [x, W, b], { name: 'a' });
    g.op('sigmoid', [a], { name: 'y' });
    const fused = g.build();
    const ex = expandComposites(fused);
    assert.deepEqual(
      ex.nodes.map((n) => `${n.op}:${n.label}`),
      ['leaf:x', 'leaf:W', 'leaf:b', 'matmul:a.dot', 'add:a', 'leaf:y.minus1', 'mul:y.mul', 'exp:y.exp', 'leaf:y.one', 'add:y.add', 'recip:y'],
    );
    assert.equal(ex.nodes[ex.output].name, 'y');
    assert.equal(ex.nodes[4].expandedFrom, 3);
    assert.equal(ex.nodes[10].expandedFrom, 4);
    assert.equal(ex.nodes[0].expandedFrom, undefined);
    assert.ok(ex.nodes[5].constant);
    assert.deepEqual(expandedIdMap(fused, ex), [0, 1, 2, 4, 10]);
    const plain = buyAppleOrange().graph;
    assert.equal(expandComposites(plain), plain);
  });
});

describe('layer metadata', () => {
  it('every op has a symbol, a rule in both languages and a formula; every op has a layer', () => {
    for (const [op, info] of Object.entries(OP_INFO)) {
      assert.ok(info.rule.en.length > 10 && info.rule.ko.length > 5, op);
      assert.ok(info.formula.length > 3, op);
      if (op !== 'leaf') assert.ok(info.symbol.length > 0, op);
    }
    for (const op of Object.keys(OP_ARITY) as (keyof typeof OP_ARITY)[]) {
      assert.ok(createLayer({ op, exponent: 2 }));
    }
    assert.throws(() => createLayer({ op: 'leaf' }));
    assert.equal(OP_INFO.mul.symbol, '×');
    assert.match(OP_INFO.mul.rule.ko, /상류/);
  });
});
