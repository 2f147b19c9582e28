/** The replay stepper: step order, recording once, fan-out sums, deltas, error safety. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphNode } from '../../../src/engine/graph';
import { createLayer, type Layer } from '../../../src/engine/layers';
import { StepError, Stepper } from '../../../src/engine/stepper';
import { Tensor } from '../../../src/engine/tensor';
import { GraphBuilder, buyApple, buyAppleOrange, close } from './helpers';

/** A createLayer that counts forward/backward calls. */
function counting(): { create: (n: GraphNode) => Layer; forward: number; backward: number } {
  const c = {
    forward: 0,
    backward: 0,
    create: (node: GraphNode): Layer => {
      const inner = createLayer(node);
      return {
        forward: (xs) => {
          c.forward++;
          return inner.forward(xs);
        },
        backward: (d) => {
          c.backward++;
          return inner.backward(d);
        },
      };
    },
  };
  return c;
}

type Snapshot = { values: Map<number, number[]>; grads: Map<number, number[]>; edges: Map<string, number[]> };

function snapshot(s: Stepper): Snapshot {
  const values = new Map<number, number[]>();
  const grads = new Map<number, number[]>();
  const edges = new Map<string, number[]>();
  for (const node of s.graph.nodes) {
    const v = s.valueAt(node.id);
    if (v) values.set(node.id, Array.from(v.data));
    const g = s.gradAt(node.id);
    if (g) grads.set(node.id, Array.from(g.data));
    node.inputs.forEach((_, k) => {
      const e = s.edgeGradAt(node.id, k);
      if (e) edges.set(`${node.id}:${k}`, Array.from(e.data));
    });
  }
  return { values, grads, edges };
}

describe('stepper', () => {
  it('counts steps and phases: forward then backward, one op node per step', () => {
    const { graph, ids } = buyAppleOrange();
    const s = new Stepper(graph);
    assert.equal(s.forwardSteps, 4);
    assert.equal(s.totalSteps, 8);
    assert.equal(s.phase, 'forward');
    assert.equal(s.currentNode, null);
    const order: number[] = [];
    const runNode = (): number => s.nodeOfStep(s.cursor - 1);
    const phases: string[] = [];
    while (s.next()) {
      order.push(runNode());
      phases.push(s.phase);
    }
    assert.deepEqual(order, [ids.apple_price, ids.orange_price, ids.all_price, ids.price, ids.price, ids.all_price, ids.orange_price, ids.apple_price]);
    assert.deepEqual(phases, ['forward', 'forward', 'forward', 'backward', 'backward', 'backward', 'backward', 'done']);
    assert.equal(s.next(), false);
    assert.equal(s.stepOfNode(ids.price, 'forward'), 3);
    assert.equal(s.stepOfNode(ids.price, 'backward'), 4);
    assert.equal(s.stepOfNode(ids.apple, 'backward'), -1);
  });

  it('shows values and gradients only once their step is passed', () => {
    const { graph, ids } = buyApple();
    const s = new Stepper(graph);
    assert.ok(close(s.valueAt(ids.apple), 100));
    assert.equal(s.valueAt(ids.apple_price), undefined);
    s.next();
    assert.ok(close(s.valueAt(ids.apple_price), 200));
    assert.equal(s.valueAt(ids.price), undefined);
    s.runForward();
    assert.equal(s.cursor, 2);
    assert.equal(s.phase, 'backward');
    assert.equal(s.gradAt(ids.price), undefined);
    s.next(); // backward of price: seeds ones, sends to apple_price and tax
    assert.ok(close(s.gradAt(ids.price), 1));
    assert.ok(close(s.gradAt(ids.apple_price), 1.1, 1e-15));
    assert.ok(close(s.gradAt(ids.tax), 200));
    assert.ok(close(s.edgeGradAt(ids.price, 0), 1.1, 1e-15));
    assert.equal(s.gradAt(ids.apple), undefined);
    assert.equal(s.edgeGradAt(ids.apple_price, 0), undefined);
    s.previous();
    assert.equal(s.gradAt(ids.tax), undefined);
    assert.ok(close(s.valueAt(ids.price), 220, 1e-12));
  });

  it('records each step once: moving back and forth recomputes nothing and gives identical records', () => {
    const { graph } = buyAppleOrange();
    const c = counting();
    const s = new Stepper(graph, { createLayer: c.create });
    s.runBackward();
    assert.equal(c.forward, 4);
    assert.equal(c.backward, 4);
    const records = Array.from({ length: s.totalSteps }, (_, i) => s.record(i));
    const first = snapshot(s);
    const snaps = Array.from({ length: s.totalSteps + 1 }, (_, i) => {
      s.goTo(i);
      return snapshot(s);
    });
    for (const target of [3, 0, 8, 5, 1, 7, 2, 6, 4, 8]) {
      s.goTo(target);
      assert.deepEqual(snapshot(s), snaps[target]);
    }
    s.reset();
    assert.equal(s.cursor, 0);
    while (s.next());
    assert.deepEqual(snapshot(s), first);
    records.forEach((r, i) => assert.equal(s.record(i), r));
    assert.equal(c.forward, 4);
    assert.equal(c.backward, 4);
  });

  it('computes lazily: only the steps the cursor passed', () => {
    const { graph } = buyAppleOrange();
    const c = counting();
    const s = new Stepper(graph, { createLayer: c.create });
    assert.equal(s.computedSteps, 0);
    s.goTo(2);
    assert.equal(c.forward, 2);
    assert.equal(s.computedSteps, 2);
    s.goTo(0);
    s.goTo(5);
    assert.equal(c.forward, 4);
    assert.equal(c.backward, 1);
  });

  it('sums fan-out gradients: y = x * x', () => {
    const g = new GraphBuilder();
    const x = g.leaf('x', 3);
    const y = g.op('mul', [x, x], { name: 'y' });
    const s = new Stepper(g.build(y));
    s.runBackward();
    assert.ok(close(s.gradAt(x), 6));
    const r = s.record(1);
    assert.equal(r.phase, 'backward');
    if (r.phase === 'backward') assert.deepEqual(r.grads.map((t) => t?.item()), [3, 3]);
  });

  it('lists each node\'s consumers once, in graph order, and which node each step runs', () => {
    const g = new GraphBuilder();
    const x = g.leaf('x', 3);
    const a = g.op('mul', [x, x], { name: 'a' });
    const b = g.op('add', [a, x], { name: 'b' });
    const s = new Stepper(g.build(b));
    assert.deepEqual(s.consumersOf(x), [a, b], 'x * x counts once');
    assert.deepEqual(s.consumersOf(a), [b]);
    assert.deepEqual(s.consumersOf(b), []);
    assert.throws(() => s.consumersOf(9), RangeError);
    assert.deepEqual([0, 1, 2, 3].map((i) => s.nodeOfStep(i)), [a, b, b, a]);
    assert.equal(s.currentNode, null);
    s.goTo(3);
    assert.equal(s.currentNode, b);
  });

  it('sums fan-out gradients before they flow on, and shows the partial sum in between', () => {
    // x feeds both a = x * 3 and b = x + w; its gradient is the sum of both once both have run.
    const g = new GraphBuilder();
    const x = g.leaf('x', [2, -1]);
    const w = g.leaf('w', [[1], [2]]);
    const three = g.leaf(undefined, 3);
    const a = g.op('mul', [x, three], { name: 'a' });
    const b = g.op('add', [x, w], { name: 'b' }); // (2,2) by broadcasting
    const c = g.op('mul', [a, b], { name: 'c' });
    const d = g.op('sum', [c], { name: 'd' });
    const s = new Stepper(g.build(d));
    s.runForward();
    // backward order: d, c, b, a
    s.goTo(s.stepOfNode(b, 'backward') + 1);
    const partial = s.gradAt(x);
    const fromB = s.edgeGradAt(b, 0);
    assert.ok(partial && fromB);
    assert.deepEqual(Array.from(partial.data), Array.from(fromB.data));
    s.next();
    const full = s.gradAt(x) as Tensor;
    const fromA = s.edgeGradAt(a, 0) as Tensor;
    assert.deepEqual(Array.from(full.data), Array.from(fromB.data).map((v, i) => v + fromA.data[i]));
    // analytic: d = Σ_ij 3 x_j (x_j + w_i) → ∂d/∂x_j = Σ_i 3(2 x_j + w_i)
    assert.deepEqual(Array.from(full.data), [3 * (4 + 1) + 3 * (4 + 2), 3 * (-2 + 1) + 3 * (-2 + 2)]);
    // w's gradient is reduced over the broadcast axis: ∂d/∂w_i = Σ_j 3 x_j
    assert.deepEqual(s.gradAt(w)?.toNested(), [[3], [3]]);
  });

  it('backward never mutates the incoming gradient', () => {
    const g = new GraphBuilder();
    const x = g.leaf('x', [[1, -0.5], [-2, 3]]);
    const r = g.op('relu', [x], { name: 'r' });
    const y = g.op('sum', [r], { name: 'y' });
    const s = new Stepper(g.build(y));
    s.goTo(s.stepOfNode(r, 'backward'));
    const dout = s.gradAt(r) as Tensor;
    const before = Array.from(dout.data);
    s.runBackward();
    assert.deepEqual(Array.from(dout.data), before);
    const rec = s.record(s.stepOfNode(r, 'backward'));
    assert.ok(rec.phase === 'backward' && rec.dout);
    assert.deepEqual(Array.from(rec.dout.data), [1, 1, 1, 1]);
    assert.deepEqual(s.gradAt(x)?.toNested(), [[1, 0], [0, 1]]);
  });

  it('delta between two cursors turns one snapshot into the other', () => {
    const { graph } = buyAppleOrange();
    const s = new Stepper(graph);
    const snaps = Array.from({ length: s.totalSteps + 1 }, (_, i) => {
      s.goTo(i);
      return snapshot(s);
    });
    for (let from = 0; from <= s.totalSteps; from++) {
      for (let to = 0; to <= s.totalSteps; to++) {
        const state = structuredClone(snaps[from]);
        const delta = s.delta(from, to);
        for (const n of delta.nodes) {
          if (n.value !== undefined) {
            if (n.value) state.values.set(n.id, Array.from(n.value.data));
            else state.values.delete(n.id);
          }
          if (n.grad !== undefined) {
            if (n.grad) state.grads.set(n.id, Array.from(n.grad.data));
            else state.grads.delete(n.id);
          }
        }
        for (const e of delta.edges) {
          if (e.grad) state.edges.set(`${e.to}:${e.index}`, Array.from(e.grad.data));
          else state.edges.delete(`${e.to}:${e.index}`);
        }
        assert.deepEqual(state, snaps[to], `delta ${from} → ${to}`);
        if (from === to) assert.deepEqual(delta, { nodes: [], edges: [] });
      }
    }
    assert.equal(s.cursor, s.totalSteps);
  });

  it('a throwing layer leaves the state as it was', () => {
    const { graph, ids } = buyApple();
    let fail = true;
    const s = new Stepper(graph, {
      createLayer: (node) => {
        const inner = createLayer(node);
        return {
          forward: (xs) => {
            if (fail && node.id === ids.price) throw new Error('boom');
            return inner.forward(xs);
          },
          backward: (d) => inner.backward(d),
        };
      },
    });
    s.next();
    assert.throws(() => s.runBackward(), (e: unknown) => e instanceof StepError && e.nodeId === ids.price && e.step === 1 && e.phase === 'forward' && e.detail === 'boom' && e.message === 'forward step 2 (price): boom');
    assert.equal(s.cursor, 1);
    assert.equal(s.valueAt(ids.price), undefined);
    assert.ok(close(s.valueAt(ids.apple_price), 200));
    fail = false;
    s.runBackward();
    assert.ok(close(s.gradAt(ids.apple), 2.2, 1e-12));
  });

  it('nodes off the path to the output get no gradient', () => {
    const g = new GraphBuilder();
    const x = g.leaf('x', 2);
    const y = g.leaf('y', 5);
    g.op('mul', [y, y], { name: 'unused' });
    const out = g.op('mul', [x, x], { name: 'out' });
    const s = new Stepper(g.build(out));
    s.runBackward();
    assert.ok(close(s.gradAt(x), 4));
    assert.equal(s.gradAt(y), undefined);
    const rec = s.record(s.stepOfNode(2, 'backward'));
    assert.ok(rec.phase === 'backward' && rec.dout === null);
  });

  it('rejects cursors outside the range and bad graphs', () => {
    const { graph } = buyApple();
    const s = new Stepper(graph);
    assert.throws(() => s.goTo(5), RangeError);
    assert.throws(() => s.goTo(-1), RangeError);
    assert.throws(() => s.goTo(1.5), RangeError);
    assert.throws(() => new Stepper({ nodes: graph.nodes, output: 9 }), /output/);
    const bad = graph.nodes.map((n) => (n.id === 3 ? { ...n, inputs: [4, 1] } : n));
    assert.throws(() => new Stepper({ nodes: bad, output: 4 }), /does not come before/);
  });

  it('a graph with only leaves has no steps', () => {
    const g = new GraphBuilder();
    g.leaf('x', 1);
    const s = new Stepper(g.build());
    assert.equal(s.totalSteps, 0);
    assert.equal(s.phase, 'done');
    assert.equal(s.next(), false);
  });
});

describe('stepper: a given backward order', () => {
  it('runs backward in that order with the same gradients, and rejects an order that breaks the graph', () => {
    const { graph, ids } = buyAppleOrange();
    const ops = graph.nodes.filter((n) => n.op !== 'leaf').map((n) => n.id);
    // The book's order is the reverse; mul_apple before mul_orange is as valid (both only feed the add).
    const [mulApple, mulOrange, add, mulTax] = ops;
    const s = new Stepper(graph, { backwardOrder: [mulTax, add, mulApple, mulOrange] });
    assert.deepEqual(Array.from({ length: 4 }, (_, i) => s.nodeOfStep(4 + i)), [mulTax, add, mulApple, mulOrange]);
    assert.equal(s.stepOfNode(mulApple, 'backward'), 6);
    s.runBackward();
    const ref = new Stepper(graph);
    ref.runBackward();
    for (const n of graph.nodes) assert.deepEqual(s.gradAt(n.id)?.data, ref.gradAt(n.id)?.data, n.label);
    assert.ok(close(s.gradAt(ids.apple), 2.2));
    assert.throws(() => new Stepper(graph, { backwardOrder: [add, mulTax, mulApple, mulOrange] }), /must come first/);
    assert.throws(() => new Stepper(graph, { backwardOrder: [mulTax, add, mulApple] }), /3 nodes/);
    assert.throws(() => new Stepper(graph, { backwardOrder: [mulTax, add, mulApple, mulApple] }), /comes twice/);
  });
});
