/**
 * Property tests over random small graphs of every op:
 * backprop agrees with the numerical gradient, and expanded composites agree with fused ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { expandComposites } from '../../../src/engine/expand';
import type { Graph, OpKind } from '../../../src/engine/graph';
import { backprop, evaluate, gradientCheck, numericalGradients } from '../../../src/engine/numgrad';
import { Stepper } from '../../../src/engine/stepper';
import { createLayer, inferShape, OP_ARITY, type OpWithInputs } from '../../../src/engine/layers';
import { Tensor, shapeSize, type Shape } from '../../../src/engine/tensor';
import { GraphBuilder } from './helpers';

const OPS = Object.keys(OP_ARITY) as OpWithInputs[];

/** Runs per property; raise it locally to search harder: ENGINE_PROPERTY_RUNS=5000. */
const RUNS = Number(process.env.ENGINE_PROPERTY_RUNS) || 150;

interface Instr {
  op: number;
  a: number;
  b: number;
  c: number;
  p: number;
}

const instrArb = fc.record({ op: fc.nat(), a: fc.nat(), b: fc.nat(), c: fc.nat(), p: fc.nat() });

const dimsArb = fc.record({ n: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 3 }), m: fc.integer({ min: 1, max: 3 }) });

/** Leaf values: multiples of 1/8 offset away from 0, in about [−2, 2], never exactly 0. */
const valuesArb = fc.array(fc.integer({ min: -16, max: 15 }), { minLength: 64, maxLength: 64 }).map((xs) => xs.map((k) => (k + 0.5) / 8));

interface Built {
  graph: Graph;
  ops: Set<OpKind>;
}

/**
 * Interprets the instructions as a graph: each picks an op and its inputs among existing nodes
 * (by index), skipping what does not fit. Inputs are kept in each op's domain (log, 1/x and ÷ of
 * positives built as n·n + 0.5; exp and softmax of bounded values; ReLU away from its kink) and
 * values bounded, so the central difference is accurate.
 */
function buildGraph(dims: { n: number; d: number; m: number }, values: number[], instrs: Instr[]): Built {
  const g = new GraphBuilder();
  const vals: Tensor[] = [];
  let vi = 0;
  const leaf = (shape: Shape, name?: string, constant = false): number => {
    const data = new Float64Array(shapeSize(shape));
    for (let i = 0; i < data.length; i++) data[i] = values[vi++ % values.length];
    const t = new Tensor(shape, data);
    const id = g.leaf(name, t, { constant });
    vals[id] = t;
    return id;
  };
  const constLeaf = (v: number): number => {
    const id = g.leaf(undefined, v);
    vals[id] = Tensor.scalar(v);
    return id;
  };
  const ops = new Set<OpKind>();
  const maxAbs = (id: number): number => vals[id].data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const minAbs = (id: number): number => vals[id].data.reduce((m, v) => Math.min(m, Math.abs(v)), Infinity);
  /** Adds an op node if its value is finite and moderate; returns its id or -1. */
  const add = (op: OpKind, inputs: number[], exponent?: number): number => {
    if ('error' in inferShape(op, inputs.map((i) => g.nodes[i].shape), { exponent })) return -1;
    const id = g.op(op, inputs, { name: `v${g.nodes.length}`, ...(exponent !== undefined ? { exponent } : {}) });
    const value = createLayer(g.nodes[id]).forward(inputs.map((i) => vals[i]));
    if (!value.data.every((v) => Number.isFinite(v) && Math.abs(v) < 1e3)) {
      g.nodes.pop();
      return -1;
    }
    vals[id] = value;
    ops.add(op);
    return id;
  };
  const positive = (x: number): number => {
    const sq = add('mul', [x, x]);
    return sq < 0 ? -1 : add('add', [sq, constLeaf(0.5)]);
  };

  const { n, d, m } = dims;
  for (const [i, shape] of ([[n, d], [d], [], [n, 1], [d, m], [m]] as Shape[]).entries()) leaf(shape, `x${i}`);

  for (const ins of instrs) {
    const op = OPS[ins.op % OPS.length];
    const count = g.nodes.length;
    const a = ins.a % count;
    const shapeA = g.nodes[a].shape;
    const fits = (pred: (id: number) => boolean): number[] => g.nodes.map((x) => x.id).filter(pred);
    switch (op) {
      case 'add':
      case 'sub':
      case 'mul':
      case 'matmul': {
        const cands = fits((id) => !('error' in inferShape(op, [shapeA, g.nodes[id].shape])));
        if (cands.length) add(op, [a, cands[ins.b % cands.length]]);
        break;
      }
      case 'div': {
        const cands = fits((id) => !('error' in inferShape(op, [shapeA, g.nodes[id].shape])));
        if (!cands.length) break;
        const den = positive(cands[ins.b % cands.length]);
        if (den >= 0) add('div', [a, den]);
        break;
      }
      case 'log':
      case 'recip': {
        const p = positive(a);
        if (p >= 0) add(op, [p]);
        break;
      }
      case 'pow': {
        const exps = [0, 1, 2, 3, -1, 0.5];
        const e = exps[ins.p % exps.length];
        if (e === -1 || e === 0.5) {
          const p = positive(a);
          if (p >= 0) add('pow', [p], e);
        } else add('pow', [a], e);
        break;
      }
      case 'exp':
        if (maxAbs(a) < 5) add('exp', [a]);
        break;
      case 'relu':
        if (minAbs(a) > 1e-2) add('relu', [a]);
        break;
      case 'neg':
      case 'tanh':
      case 'sigmoid':
      case 'sum':
      case 'mean':
        add(op, [a]);
        break;
      case 'affine': {
        const xs = fits((id) => g.nodes[id].shape.length >= 1);
        const x = xs[ins.a % xs.length];
        const xd = g.nodes[x].shape[g.nodes[x].shape.length - 1];
        const ws = fits((id) => g.nodes[id].shape.length === 2 && g.nodes[id].shape[0] === xd);
        if (!ws.length) break;
        const w = ws[ins.b % ws.length];
        const bs = fits((id) => g.nodes[id].shape.length === 1 && g.nodes[id].shape[0] === g.nodes[w].shape[1]);
        if (bs.length) add('affine', [x, w, bs[ins.c % bs.length]]);
        break;
      }
      case 'softmax_with_loss': {
        const shape = g.nodes[a].shape;
        if (shape.length === 0 || maxAbs(a) > 3) break;
        const t = new Float64Array(shapeSize(shape));
        const cols = shape[shape.length - 1];
        for (let r = 0; r < t.length / cols; r++) t[r * cols + ((ins.b + r) % cols)] = 1;
        const tId = g.leaf(`t${g.nodes.length}`, new Tensor(shape, t), { constant: true });
        vals[tId] = new Tensor(shape, t);
        add('softmax_with_loss', [a, tId]);
        break;
      }
    }
  }
  // The output adds up every op node nobody consumes, so every node lies on a path to it.
  const consumed = new Set(g.nodes.flatMap((x) => x.inputs));
  const sinks = g.nodes.filter((x) => x.op !== 'leaf' && !consumed.has(x.id)).map((x) => x.id);
  let out = -1;
  for (const s of sinks) {
    const total = g.op('sum', [s]);
    out = out < 0 ? total : g.op('add', [out, total]);
  }
  if (out < 0) out = g.op('sum', [0], { name: 'loss' });
  return { graph: g.build(out), ops };
}

const graphArb = fc
  .tuple(dimsArb, valuesArb, fc.array(instrArb, { minLength: 1, maxLength: 10 }))
  .map(([dims, values, instrs]) => buildGraph(dims, values, instrs));

describe('engine properties', () => {
  it('the generator covers every op', () => {
    const seen = new Set<OpKind>();
    fc.assert(
      fc.property(graphArb, ({ ops }) => {
        ops.forEach((o) => seen.add(o));
      }),
      { numRuns: 300, seed: 7 },
    );
    assert.deepEqual([...OPS].filter((o) => !seen.has(o)), []);
  });

  it('backprop agrees with the numerical gradient (h = 1e-4)', () => {
    fc.assert(
      fc.property(graphArb, ({ graph }) => {
        const check = gradientCheck(graph);
        assert.ok(check.completed);
        for (const leaf of check.leaves) {
          for (let i = 0; i < leaf.numerical.size; i++) {
            const b = leaf.backprop.data[i];
            const n = leaf.numerical.data[i];
            const tol = 1e-5 + 1e-3 * Math.max(Math.abs(b), Math.abs(n));
            assert.ok(Math.abs(b - n) <= tol, `${leaf.label}[${i}]: backprop ${b} vs numerical ${n}`);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('expanded and fused composites agree on every named variable', () => {
    fc.assert(
      fc.property(graphArb, ({ graph }) => {
        const expanded = expandComposites(graph);
        const fused = backprop(graph);
        const exp = backprop(expanded);
        const byName = new Map(expanded.nodes.filter((x) => x.name).map((x) => [x.name, x.id]));
        for (const node of graph.nodes) {
          if (!node.name) continue;
          const id = byName.get(node.name);
          assert.ok(id !== undefined, `${node.name} missing after expansion`);
          const pairs: [Tensor | undefined, Tensor | undefined, string][] = [
            [fused.values[node.id], exp.values[id], 'value'],
            [fused.grads[node.id], exp.grads[id], 'grad'],
          ];
          for (const [f, e, what] of pairs) {
            assert.equal(f === undefined, e === undefined, `${node.name} ${what} presence`);
            if (!f || !e) continue;
            assert.deepEqual(e.shape, f.shape);
            for (let i = 0; i < f.size; i++) {
              const tol = 1e-12 * Math.max(1, Math.abs(f.data[i]));
              assert.ok(Math.abs(f.data[i] - e.data[i]) <= tol, `${node.name} ${what}[${i}]: ${f.data[i]} vs ${e.data[i]}`);
            }
          }
        }
        // Every composite is gone, and its primitives point back at it.
        assert.ok(expanded.nodes.every((x) => x.op !== 'sigmoid' && x.op !== 'affine'));
        for (const x of expanded.nodes) {
          if (x.expandedFrom !== undefined) assert.ok(['sigmoid', 'affine'].includes(graph.nodes[x.expandedFrom].op));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('the stepper replays: any cursor path shows what a fresh stepper shows, each layer runs once per pass', () => {
    fc.assert(
      fc.property(graphArb, fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), ({ graph }, targets) => {
        let forwardCalls = 0;
        let backwardCalls = 0;
        const s = new Stepper(graph, {
          createLayer: (node) => {
            const inner = createLayer(node);
            return {
              forward: (xs) => (forwardCalls++, inner.forward(xs)),
              backward: (d) => (backwardCalls++, inner.backward(d)),
            };
          },
        });
        const view = (st: Stepper): string =>
          JSON.stringify(
            graph.nodes.map((n) => [
              st.valueAt(n.id) ? Array.from(st.valueAt(n.id)?.data ?? []) : null,
              st.gradAt(n.id) ? Array.from(st.gradAt(n.id)?.data ?? []) : null,
              n.inputs.map((_, k) => Array.from(st.edgeGradAt(n.id, k)?.data ?? [])),
            ]),
          );
        for (const t of targets) {
          const c = t % (s.totalSteps + 1);
          s.goTo(c);
          const fresh = new Stepper(graph);
          fresh.goTo(c);
          assert.equal(view(s), view(fresh));
        }
        s.runBackward();
        const ops = graph.nodes.filter((n) => n.op !== 'leaf').length;
        assert.equal(forwardCalls, ops);
        assert.equal(backwardCalls, ops); // every op node lies on a path to the output here
        // Values agree with the forward-only evaluator, bit for bit.
        const values = evaluate(graph);
        for (const n of graph.nodes) assert.deepEqual(Array.from(s.valueAt(n.id)?.data ?? []), Array.from(values[n.id].data));
        // The output's gradient is ones; records share tensors instead of copying them.
        assert.ok(s.gradAt(graph.output)?.data.every((v) => v === 1));
        for (let i = 0; i < s.forwardSteps; i++) {
          const f = s.record(i);
          const b = s.record(s.stepOfNode(f.nodeId, 'backward'));
          assert.equal(b.output, f.output);
          assert.equal(s.valueAt(f.nodeId), f.output);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('the incremental numerical gradient (rank-1 product updates) equals the full re-run', () => {
    fc.assert(
      fc.property(graphArb, ({ graph }) => {
        const fast = numericalGradients(graph);
        const full = numericalGradients(graph, { incremental: false });
        assert.ok(fast && full);
        for (const [id, f] of full) {
          const q = fast.get(id) as Tensor;
          for (let i = 0; i < f.size; i++) {
            assert.ok(Math.abs(q.data[i] - f.data[i]) <= 1e-6 * Math.max(1, Math.abs(f.data[i])), `${graph.nodes[id].label}[${i}]: ${q.data[i]} vs ${f.data[i]}`);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
