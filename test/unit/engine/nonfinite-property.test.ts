/**
 * Property tests for non-finite values (issue 11), with random finite inputs near the overflow
 * edges (exp's 709.78, 1e308, subnormals, 0, negative bases, fractional and negative exponents):
 * - every op: when its value or the gradient it sends back is NaN/±Infinity while everything it
 *   read was finite, the stepper reports exactly that node, in that phase, with the op's own cause
 *   (never the generic fallback); when nothing is non-finite, nothing is reported;
 * - the composites (sigmoid, affine): fused and expanded agree on every shared value and gradient,
 *   or both are non-finite there, and both report the same non-finite nodes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { expandComposites, expandedIdMap } from '../../../src/engine/expand';
import type { Graph } from '../../../src/engine/graph';
import type { NonFiniteReport } from '../../../src/engine/nonFinite';
import { allFinite } from '../../../src/engine/ops';
import { OP_ARITY, type OpWithInputs } from '../../../src/engine/layers';
import { Stepper } from '../../../src/engine/stepper';
import { Tensor, type Shape } from '../../../src/engine/tensor';
import { GraphBuilder } from './helpers';

const RUNS = Number(process.env.ENGINE_PROPERTY_RUNS) || 300;

/** Finite numbers where float64 arithmetic overflows, underflows or has no real answer. */
const EDGES = [
  0, -0, 1, -1, 2, 0.5, -8, 36.7, -36.7, 709.78, 709.79, 710, -709.78, -710, -745, -800, 800, 1e154, 1e155, -1e155, 1e200, 1e-200, 1e307,
  1e308, -1e308, 1.7976931348623157e308, -1.7976931348623157e308, 2.2250738585072014e-308, 5e-324, -5e-324, 1e-160,
];
const numberArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGES) },
  { weight: 1, arbitrary: fc.double({ min: -1e308, max: 1e308, noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }) },
);
const exponentArb = fc.constantFrom(-400, -2, -1, -0.5, 0, 0.3, 0.5, 1, 2, 3, 400);

function tensorArb(shape: Shape): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc.array(numberArb, { minLength: size, maxLength: size }).map((xs) => new Tensor(shape, Float64Array.from(xs)));
}

/** Input shapes per op (broadcasting included), labels for softmax_with_loss. */
const SHAPES: Record<OpWithInputs, Shape[]> = {
  add: [[2], [2, 2]], sub: [[2, 2], [2]], mul: [[2], [2]], div: [[2, 2], [2]], neg: [[2]], pow: [[3]], exp: [[3]], log: [[3]], tanh: [[3]],
  relu: [[3]], sigmoid: [[3]], recip: [[3]], matmul: [[2, 2], [2, 2]], sum: [[3]], mean: [[3]], affine: [[2, 2], [2, 2], [2]], softmax_with_loss: [[2, 3], [2, 3]],
};

/** Ops that cannot make a non-finite value (or gradient) out of finite ones. */
const ALWAYS_FINITE = new Set<OpWithInputs>(['neg', 'tanh', 'relu', 'sigmoid', 'softmax_with_loss']);

const GENERIC = /^(the gradient )?(not a number \(NaN\)|overflowed the float64 range)/;

function run(graph: Graph): { stepper: Stepper; reports: readonly NonFiniteReport[] } {
  const stepper = new Stepper(graph);
  stepper.runBackward();
  return { stepper, reports: stepper.nonFinite() };
}

describe('non-finite reports per op, near the overflow edges', () => {
  it('covers every op of the engine', () => {
    for (const op of Object.keys(OP_ARITY) as OpWithInputs[]) assert.ok(SHAPES[op], `no shapes for ${op}`);
  });
  for (const op of Object.keys(OP_ARITY) as OpWithInputs[]) {
    it(`${op}: the node is reported exactly when it makes a NaN/±Infinity, with its own cause (${RUNS} cases)`, () => {
      const shapes = SHAPES[op];
      const arb = fc.tuple(fc.tuple(...shapes.map(tensorArb)), exponentArb, fc.nat(5));
      fc.assert(
        fc.property(arb, ([inputs, exponent, hot]) => {
          const g = new GraphBuilder();
          const ids = inputs.map((t, k) => {
            if (op === 'softmax_with_loss' && k === 1) {
              // One-hot labels: row r has its 1 at column (hot + r) % 3.
              const data = new Float64Array(6);
              for (let r = 0; r < 2; r++) data[r * 3 + ((hot + r) % 3)] = 1;
              return g.leaf(`t${k}`, new Tensor([2, 3], data), { constant: true });
            }
            return g.leaf(`a${k}`, t);
          });
          const out = g.op(op, ids, op === 'pow' ? { exponent } : {});
          const graph = g.build(out);
          const { stepper, reports } = run(graph);
          const value = stepper.valueAt(out);
          assert.ok(value);
          const forward = reports.filter((r) => r.phase === 'forward');
          const backward = reports.filter((r) => r.phase === 'backward');
          for (const r of reports) {
            assert.equal(r.nodeId, out, 'only the op node can be an origin');
            assert.doesNotMatch(r.cause, GENERIC, `${op}: a generic cause '${r.cause}'`);
            assert.ok(r.cause.length > 0);
          }
          assert.equal(forward.length, allFinite(value) ? 0 : 1, `${op} forward: ${JSON.stringify(reports)}`);
          if (ALWAYS_FINITE.has(op)) assert.deepEqual(reports, [], `${op} made ${JSON.stringify(reports)}`);
          if (allFinite(value)) {
            // Each input whose gradient is not finite is reported once, with its argument position.
            const bad = ids.filter((id) => {
              const grad = stepper.gradAt(id);
              return grad !== undefined && !graph.nodes[id].constant && !allFinite(grad);
            });
            assert.deepEqual(backward.map((r) => ids[r.arg ?? -1]), bad, `${op} backward`);
          } else {
            assert.deepEqual(backward, [], 'a non-finite forward value is not reported again backward');
          }
        }),
        { numRuns: RUNS, seed: 20261201 },
      );
    });
  }
});

/**
 * The fused node a report stands for: itself, or (expanded graphs) the composite it came from,
 * when the value leaves the composite: the composite's last primitive, or a gradient the composite
 * sends to its inputs. Overflow absorbed inside the composite (the expanded sigmoid's exp(800),
 * whose 1/(1 + ∞) = 0 is right) is not something the fused layer has.
 */
function fusedReports(fused: Graph, expanded: Graph, reports: readonly NonFiniteReport[]): string[] {
  const map = expandedIdMap(fused, expanded);
  const carrierOf = new Map(map.map((e, f) => [e, f]));
  const out: string[] = [];
  const s = new Stepper(expanded);
  s.runBackward();
  for (const r of reports) {
    const node = expanded.nodes[r.nodeId];
    const carrier = carrierOf.get(r.nodeId);
    if (carrier !== undefined) {
      out.push(`${fused.nodes[carrier].label}:${r.phase}`);
      continue;
    }
    const composite = node.expandedFrom;
    if (composite === undefined) continue;
    const escapes =
      r.phase === 'forward'
        ? !allFinite(s.valueAt(map[composite]) ?? Tensor.scalar(0))
        : fused.nodes[composite].inputs.some((i) => {
            const g = s.gradAt(map[i]);
            return g !== undefined && !allFinite(g);
          });
    if (escapes) out.push(`${fused.nodes[composite].label}:${r.phase}`);
  }
  return [...new Set(out)].sort();
}

/**
 * Equal up to rounding: relative 1e-9, plus an absolute `scale`·1e-12 for the fused sigmoid's
 * y(1 − y), which cancels to 2.2e-16 where the expanded graph keeps e^−x (x ≈ 36.7), and for
 * y² underflowing to 0 in the expanded graph (x ≈ −400), both far below the inputs' size.
 */
function agree(a: Tensor | undefined, b: Tensor | undefined, scale: number): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.size !== b.size) return false;
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i];
    const y = b.data[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (Number.isFinite(x) !== Number.isFinite(y)) return false;
      continue;
    }
    if (!(Math.abs(x - y) <= 1e-12 * scale + 1e-9 * Math.max(Math.abs(x), Math.abs(y)))) return false;
  }
  return true;
}

describe('fused and expanded composites near the overflow edges', () => {
  const cases: [string, fc.Arbitrary<(g: GraphBuilder) => void>][] = [
    ['sigmoid', tensorArb([3]).map((x) => (g: GraphBuilder) => {
      const a = g.leaf('x', x);
      const y = g.op('sigmoid', [a], { name: 'y' });
      g.op('sum', [y], { name: 'L' });
    })],
    ['sigmoid inside a product', fc.tuple(tensorArb([2]), tensorArb([2])).map(([x, w]) => (g: GraphBuilder) => {
      const a = g.leaf('x', x);
      const b = g.leaf('w', w);
      const y = g.op('sigmoid', [a], { name: 'y' });
      g.op('sum', [g.op('mul', [y, b], { name: 'z' })], { name: 'L' });
    })],
    ['affine', fc.tuple(tensorArb([2, 2]), tensorArb([2, 2]), tensorArb([2])).map(([x, w, b]) => (g: GraphBuilder) => {
      const y = g.op('affine', [g.leaf('x', x), g.leaf('W', w), g.leaf('b', b)], { name: 'y' });
      g.op('sum', [y], { name: 'L' });
    })],
    ['affine then sigmoid', fc.tuple(tensorArb([2]), tensorArb([2, 2]), tensorArb([2])).map(([x, w, b]) => (g: GraphBuilder) => {
      const y = g.op('affine', [g.leaf('x', x), g.leaf('W', w), g.leaf('b', b)], { name: 'y' });
      g.op('sum', [g.op('sigmoid', [y], { name: 's' })], { name: 'L' });
    })],
  ];
  for (const [name, arb] of cases) {
    it(`${name}: every shared value and gradient agrees or both are non-finite, and both report the same nodes (${RUNS} cases)`, () => {
      fc.assert(
        fc.property(arb, (build) => {
          // (fast-check prints the builder; on failure the assertion message has the numbers)
          const g = new GraphBuilder();
          build(g);
          const fused = g.build();
          const expanded = expandComposites(fused);
          const f = run(fused);
          const e = run(expanded);
          const map = expandedIdMap(fused, expanded);
          let scale = 1;
          for (const node of fused.nodes) for (const v of node.value?.data ?? []) scale = Math.max(scale, Math.abs(v));
          for (const node of fused.nodes) {
            const id = map[node.id];
            const fv = f.stepper.valueAt(node.id);
            const ev = e.stepper.valueAt(id);
            assert.ok(agree(fv, ev, scale), `value of ${node.label}: ${fv?.data} vs ${ev?.data}`);
            const fg = f.stepper.gradAt(node.id);
            const eg = e.stepper.gradAt(id);
            assert.ok(agree(fg, eg, scale), `gradient of ${node.label}: ${fg?.data} vs ${eg?.data}`);
          }
          const fusedSide = [...new Set(f.reports.map((r) => `${fused.nodes[r.nodeId].label}:${r.phase}`))].sort();
          assert.deepEqual(fusedReports(fused, expanded, e.reports), fusedSide);
        }),
        { numRuns: RUNS, seed: 777 },
      );
    });
  }
  it('the expanded sigmoid of −800 has gradient 0 exactly, as the fused one', () => {
    const g = new GraphBuilder();
    const x = g.leaf('x', -800);
    g.op('sigmoid', [x], { name: 'y' });
    for (const graph of [g.build(), expandComposites(g.build())]) assert.equal(run(graph).stepper.gradAt(x)?.item(), 0);
  });
});
