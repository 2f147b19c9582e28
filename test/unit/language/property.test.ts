/**
 * End to end from source text: random well-typed programs using every operator and function are
 * compiled, and backprop (through the stepper) must agree with the numerical gradient, and the
 * fused and expanded graphs must give the same named values and gradients.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { GraphNode } from '../../../src/engine/graph';
import { backprop, gradientCheck } from '../../../src/engine/numgrad';
import type { Tensor } from '../../../src/engine/tensor';
import { compile } from '../../../src/language/index';

type Kind = 'M' | 'V' | 'S';

/** Leaves of each kind: M is (2, 3), V is (3,), S a scalar. */
const LEAVES: Record<Kind, string[]> = { M: ['X', 'Z'], V: ['v', 'b'], S: ['s'] };

const PRELUDE = [
  'seed 3',
  'X = [[0.5, -1.2, 0.8], [1.5, 0.3, -0.7]]',
  'Z = 0.5 * randn(2, 3)',
  'W = [[0.2, -0.4, 0.6], [0.1, 0.5, -0.3], [-0.2, 0.3, 0.4]]',
  'v = [0.4, -0.9, 1.1]',
  'b = [0.1, 0.2, -0.1]',
  's = 0.7',
  'T = [[0, 1, 0], [1, 0, 0]]',
];

/** Expressions of one kind, as source text. */
function expr(kind: Kind, depth: number): fc.Arbitrary<string> {
  const leaf = fc.constantFrom(...LEAVES[kind]);
  if (depth <= 0) return leaf;
  const sub = (k: Kind): fc.Arbitrary<string> => expr(k, depth - 1);
  const unary = fc.constantFrom('relu', 'sigmoid', 'tanh');
  const options: fc.Arbitrary<string>[] = [
    leaf,
    fc.tuple(sub(kind), fc.constantFrom('+', '-', '*'), sub(kind)).map(([a, op, c]) => `(${a} ${op} ${c})`),
    fc.tuple(sub(kind), fc.constantFrom('+', '-', '*'), sub('S')).map(([a, op, c]) => `(${a} ${op} ${c})`),
    fc.tuple(sub(kind), sub(kind)).map(([a, c]) => `(${a} / ((${c}) ** 2 + 1))`),
    fc.tuple(unary, sub(kind)).map(([f, a]) => `${f}(${a})`),
    sub(kind).map((a) => `exp(tanh(${a}))`),
    sub(kind).map((a) => `log((${a}) ** 2 + 1)`),
    sub(kind).map((a) => `(-${a})`),
    sub(kind).map((a) => `((${a}) ** 3)`),
  ];
  if (kind === 'M') {
    options.push(fc.tuple(sub('M'), sub('V')).map(([a, c]) => `(${a} * ${c})`));
    options.push(sub('M').map((a) => `affine(${a}, W, b)`));
    options.push(sub('M').map((a) => `(${a} @ W)`));
  }
  if (kind === 'V') options.push(sub('V').map((a) => `(${a} @ W)`));
  if (kind === 'S') {
    options.push(sub('M').map((a) => `sum(${a})`));
    options.push(sub('V').map((a) => `mean(${a})`));
  }
  return fc.oneof(...options);
}

/** A program: a few intermediate statements (reused below, so gradients fan out), then the output. */
const program: fc.Arbitrary<string> = fc
  .tuple(expr('M', 2), expr('V', 2), expr('S', 2), fc.constantFrom('sum', 'mean', 'softmax'), expr('M', 2))
  .map(([m, v, s, out, m2]) => {
    // `h = v` would only rename a leaf (an error), so bare names get an operation.
    const op = (e: string): string => (/^\w+$/.test(e) ? `${e} * 1` : e);
    const lines = [...PRELUDE, `h1 = ${op(m)}`, `h2 = ${op(v)}`, `h3 = ${op(s)}`, `h4 = h1 * h2 + h3 * ${m2.replace(/\bX\b/g, 'h1')}`];
    // Bounded scores: when softmax saturates, the book's +1e-7 inside the log makes the loss's
    // true derivative differ from its backward (y - t) / N, by design.
    if (out === 'softmax') lines.push('loss = softmax_with_loss(2 * tanh(h4 + h1), T)');
    else lines.push(`loss = ${out}(h4 * h1) + sum(h2 * h3)`);
    return lines.join('\n');
  });

describe('property: random programs from source text', () => {
  it('backprop agrees with the numerical gradient; fused = expanded (150 programs)', () => {
    fc.assert(
      fc.property(program, (src) => {
        const fused = compile(src);
        assert.deepEqual(fused.diagnostics.filter((d) => d.severity === 'error'), [], src);
        assert.ok(fused.graph);
        const check = gradientCheck(fused.graph);
        for (const leaf of check.leaves) {
          let scale = 1;
          for (const g of leaf.backprop.data) scale = Math.max(scale, Math.abs(g));
          assert.ok(leaf.maxAbsDiff <= 1e-5 * scale, `${leaf.label}: ${leaf.maxAbsDiff} (scale ${scale})\n${src}`);
        }
        const expanded = compile(src, { expand: true });
        const expandedGraph = expanded.graph;
        assert.ok(expandedGraph);
        const a = backprop(fused.graph);
        const b = backprop(expandedGraph);
        for (const n of fused.graph.nodes) {
          if (n.name === undefined) continue;
          const m: GraphNode | undefined = expandedGraph.nodes.find((e) => e.name === n.name);
          assert.ok(m, n.name);
          const close = (x: Float64Array, y: Float64Array): boolean => x.every((xi, i) => Math.abs(xi - y[i]) <= 1e-9 * (1 + Math.abs(xi)));
          assert.ok(close(a.values[n.id].data, b.values[m.id].data), `value ${n.name}`);
          const ga = a.grads[n.id];
          const gb: Tensor | undefined = b.grads[m.id];
          assert.equal(ga === undefined, gb === undefined, `grad presence ${n.name}`);
          if (ga && gb) assert.ok(close(ga.data, gb.data), `grad ${n.name}`);
        }
      }),
      { numRuns: 150, seed: 5 },
    );
  });
});
