/**
 * The host's session model with the real language and engine: the book's numbers through the
 * session, incremental deltas, keeping the step across edits, stale graphs on errors, composite toggle.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createEngine } from '../../../src/host/engineBinding';
import { failingEngine } from './failingEngine';
import type { EnginePort } from '../../../src/host/ports';
import { GraphSession, layoutKeyOf, type StepDeltas } from '../../../src/host/session';
import type { TensorData } from '../../../src/shared/protocol';
import { writeNpy } from '../../../src/engine/io/npy';
import { Tensor } from '../../../src/engine/tensor';

const example = (name: string): string => readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8');
const close = (a: unknown, b: number, tol = 1e-9): void => {
  assert.equal(typeof a, 'number', `expected a number, got ${JSON.stringify(a)}`);
  assert.ok(Math.abs((a as number) - b) <= tol, `${String(a)} ≉ ${b}`);
};

type Maps = { values: Map<number, string>; grads: Map<number, string>; edges: Map<string, string> };
function toMaps(st: StepDeltas): Maps {
  const m: Maps = { values: new Map(), grads: new Map(), edges: new Map() };
  for (const n of st.nodes) {
    if (n.value) m.values.set(n.id, JSON.stringify(n.value));
    if (n.grad) m.grads.set(n.id, JSON.stringify(n.grad));
  }
  for (const e of st.edges) if (e.grad) m.edges.set(`${e.to}:${e.index}`, JSON.stringify(e.grad));
  return m;
}
function setOrDelete<K>(map: Map<K, string>, key: K, v: TensorData | null): void {
  if (v === null) map.delete(key);
  else map.set(key, JSON.stringify(v));
}

function session(source: string, engine: EnginePort = createEngine()): GraphSession {
  const s = new GraphSession('file:///tmp/test.backprop', 'test.backprop', engine);
  const r = s.update(source);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return s;
}

describe('host session: buy apple and orange (fig. 5-17)', () => {
  it('steps the forward pass to 715 and the backward pass to the book’s gradients', () => {
    const s = session(example('buy-apple-orange.backprop'));
    assert.equal(s.totalSteps, 8);
    assert.equal(s.forwardSteps, 4);
    let snap = s.snapshot();
    assert.equal(snap.values.price, undefined, 'no output value before the forward pass');
    close(snap.values.apple, 100);
    assert.deepEqual(snap.grads, {});
    s.goTo(4);
    snap = s.snapshot();
    close(snap.values.price, 715);
    assert.equal(snap.phase, 'backward');
    s.goTo(8);
    snap = s.snapshot();
    assert.equal(snap.phase, 'done');
    close(snap.grads.price, 1);
    close(snap.grads.apple, 2.2);
    close(snap.grads.apple_num, 110);
    close(snap.grads.orange, 3.3);
    close(snap.grads.orange_num, 165);
    close(snap.grads.tax, 650);
    close(snap.grads.all_price, 1.1);
    assert.equal(snap.current, 'apple_price', 'the last backward step runs the first node');
  });

  it('sends only what a step changed, and null when stepping back clears it', () => {
    const s = session(example('buy-apple-orange.backprop'));
    const price = s.nodeByLabel('price')?.id ?? -1;
    const first = s.goTo(1);
    assert.ok(first);
    assert.deepEqual(
      first.nodes.map((n) => s.node(n.id)?.label),
      ['apple_price'],
    );
    assert.deepEqual(first.nodes[0].value?.data, [200]);
    assert.equal(first.nodes[0].grad, undefined, 'a forward step does not touch gradients');
    s.goTo(4);
    const back1 = s.goTo(5);
    assert.ok(back1);
    // The first backward step runs the output node: its own seed gradient and both inputs' gradients.
    const labels = back1.nodes.map((n) => s.node(n.id)?.label).sort();
    assert.deepEqual(labels, ['all_price', 'price', 'tax']);
    const taxDelta = back1.nodes.find((n) => s.node(n.id)?.label === 'tax');
    assert.ok(taxDelta?.grad);
    close(taxDelta.grad.data[0], 650);
    assert.equal(back1.edges.length, 2);
    assert.ok(back1.edges.every((e) => e.to === price));
    const undo = s.goTo(4);
    assert.ok(undo);
    const taxUndo = undo.nodes.find((n) => s.node(n.id)?.label === 'tax');
    assert.equal(taxUndo?.grad, null, 'stepping back removes the gradient');
    assert.ok(undo.edges.every((e) => e.grad === null));
    assert.equal(s.goTo(4), undefined, 'no move, no message');
  });

  it('applying the deltas of any move to the state before it gives the full state after it', () => {
    for (const file of ['buy-apple-orange.backprop', 'affine-batch.backprop', 'two-layer-net.backprop']) {
      // The stepper's own deltas (the session computes none of its own).
      const engine = createEngine();
      const s = session(example(file), engine);
      const total = s.totalSteps;
      const moves = [1, 2, total, 0, Math.floor(total / 2), total - 1, 3, total, 1];
      let state = toMaps(s.fullState());
      for (const m of moves) {
        const d = s.goTo(m);
        if (!d) continue;
        for (const n of d.nodes) {
          if (n.value !== undefined) setOrDelete(state.values, n.id, n.value);
          if (n.grad !== undefined) setOrDelete(state.grads, n.id, n.grad);
        }
        for (const e of d.edges) setOrDelete(state.edges, `${e.to}:${e.index}`, e.grad);
        assert.deepEqual(state, toMaps(s.fullState()), `${file} at step ${m}`);
        state = toMaps(s.fullState());
      }
    }
  });

  it('full state at a cursor carries every visible value, gradient and edge gradient', () => {
    const s = session(example('buy-apple-orange.backprop'));
    s.goTo(8);
    const full = s.fullState();
    assert.equal(full.nodes.length, s.graph?.nodes.length);
    assert.equal(full.edges.length, 8, 'four binary op nodes, two edges each');
    assert.ok(full.nodes.every((n) => n.value && n.grad));
  });

  it('describes nodes for the webview: symbol, rule, formula, steps and line', () => {
    const s = session(example('buy-apple-orange.backprop'));
    const info = s.graphInfo();
    assert.ok(info);
    const price = info.nodes.find((n) => n.label === 'price');
    assert.ok(price);
    assert.equal(price.symbol, '×');
    assert.match(price.rule.en, /multiply/);
    assert.match(price.rule.ko, /곱셈/);
    assert.ok(price.formula.length > 0);
    assert.equal(price.forwardStep, 3);
    assert.equal(price.backwardStep, 4);
    assert.equal(price.line, 17);
    const apple = info.nodes.find((n) => n.label === 'apple');
    assert.equal(apple?.leaf, true);
    assert.equal(apple?.forwardStep, -1);
    assert.equal(info.layoutKey, s.layoutKey);
  });
});

describe('host session: editing', () => {
  it('editing a leaf’s number keeps the layout and the step, and updates values', () => {
    const src = example('buy-apple-orange.backprop');
    const s = session(src);
    s.goTo(6);
    const key = s.layoutKey;
    const r = s.update(src.replace('tax = 1.1', 'tax = 1.2'));
    assert.equal(r.graphChanged, true);
    assert.equal(r.layoutChanged, false);
    assert.equal(s.layoutKey, key);
    assert.equal(s.cursor, 6);
    close(s.snapshot().values.price, 780);
    close(s.snapshot().grads.all_price, 1.2);
  });

  it('a compile error keeps the last good graph on screen, marked stale, with line and column', () => {
    const src = example('buy-apple-orange.backprop');
    const s = session(src);
    s.goTo(3);
    const graph = s.graph;
    const r = s.update(src.replace('price = all_price * tax', 'price = all_price * * tax'));
    assert.equal(r.graphChanged, false);
    assert.equal(s.graph, graph);
    assert.equal(s.stale, true);
    assert.equal(s.cursor, 3);
    const err = s.error;
    assert.ok(err);
    assert.equal(err.range.start.line, 17);
    assert.ok(err.range.start.column > 1);
    s.update(src);
    assert.equal(s.stale, false);
    assert.equal(s.error, undefined);
    assert.equal(s.cursor, 3);
  });

  it('a changed shape keeps the position at the same node where it can', () => {
    const src = example('buy-apple-orange.backprop');
    const s = session(src);
    s.goTo(3); // after all_price
    s.update(src.replace('tax = 1.1', 'tax = 1.1\nextra = apple * 2'));
    assert.notEqual(s.totalSteps, 8);
    assert.equal(s.snapshot().current, 'all_price');
    s.goTo(s.totalSteps);
    s.update(src);
    assert.equal(s.cursor, s.totalSteps, 'done stays done');
  });

  it('an engine that throws never escapes: it becomes a diagnostic', () => {
    const real = createEngine();
    const broken: EnginePort = {
      ...real,
      compile: () => {
        throw new Error('boom');
      },
    };
    const s = new GraphSession('file:///x.backprop', 'x.backprop', broken);
    const r = s.update('a = 1');
    assert.equal(r.graphChanged, false);
    assert.match(r.diagnostics[0].message, /boom/);
    assert.equal(r.diagnostics[0].range.start.line, 1);
  });

  it('a stepper that throws while stepping leaves the cursor and reports the error', () => {
    const flaky = failingEngine(() => 2);
    const s = session(example('buy-apple-orange.backprop'), flaky);
    s.goTo(2);
    s.goTo(3);
    assert.equal(s.cursor, 2);
    assert.match(s.runtimeError ?? '', /layer failed/);
  });
});

describe('host session: composite layers', () => {
  it('toggling sigmoid shows four nodes and the same input gradient, at the same phase', () => {
    const s = session(example('sigmoid.backprop'));
    s.goTo(s.totalSteps);
    const fused = s.snapshot();
    close(fused.values.y, 0.5);
    close(fused.grads.x, 0.25);
    const fusedKey = s.layoutKey;
    s.setExpanded(true);
    assert.notEqual(s.layoutKey, fusedKey);
    const exp = s.snapshot();
    assert.equal(exp.expanded, true);
    assert.ok(exp.nodeCount >= fused.nodeCount + 3, `${exp.nodeCount} nodes expanded vs ${fused.nodeCount}`);
    assert.equal(exp.phase, 'done');
    close(exp.grads.x, 0.25, 1e-12);
    close(exp.values.y, 0.5, 1e-12);
    s.setExpanded(false);
    assert.equal(s.layoutKey, fusedKey);
  });

  it('layout keys ignore values but not structure', () => {
    const engine = createEngine();
    const a = engine.compile('a = 1\nb = a * 2', false).graph;
    const b = engine.compile('a = 5\nb = a * 3', false).graph;
    const c = engine.compile('a = 1\nb = a + 2', false).graph;
    assert.ok(a && b && c);
    assert.equal(layoutKeyOf(a, false), layoutKeyOf(b, false));
    assert.notEqual(layoutKeyOf(a, false), layoutKeyOf(c, false));
    assert.notEqual(layoutKeyOf(a, false), layoutKeyOf(a, true));
  });
});

describe('session: loaded files and versions', () => {
  const npy = (values: number[]): Uint8Array => writeNpy(Tensor.from(values));
  const src = 'x = load("x.npy")\nx = x * 2\nx *= 3\ny = sum(x)\n';

  it('new file contents recompile the same source and keep the step; the same contents do nothing', () => {
    const s = new GraphSession('file:///tmp/n.backprop', 'n.backprop', createEngine());
    const files = new Map([['x.npy', { bytes: npy([1, 2, 3]) }]]);
    assert.equal(s.update(src, false, files).graphChanged, true);
    s.goTo(s.totalSteps);
    close(s.value(s.graph?.output ?? -1)?.item(), 36);
    assert.equal(s.update(src, false, files).graphChanged, false, 'same source, same files map');
    const changed = s.update(src, false, new Map([['x.npy', { bytes: npy([10, 20, 30]) }]]));
    assert.equal(changed.graphChanged, true);
    assert.equal(changed.layoutChanged, false);
    assert.equal(s.cursor, s.totalSteps, 'the step is kept');
    close(s.value(s.graph?.output ?? -1)?.item(), 360);
    assert.deepEqual(s.graphInfo()?.nodes[0].origin, { file: 'x.npy' });
  });

  it('identifierAt gives the version meant at a position; definitionOf where it is made', () => {
    const s = new GraphSession('file:///tmp/n.backprop', 'n.backprop', createEngine());
    s.update(src, false, new Map([['x.npy', { bytes: npy([1, 2, 3]) }]]));
    assert.equal(s.identifierAt(2, 5)?.node.label, 'x', 'the x read on line 2');
    assert.equal(s.identifierAt(2, 1)?.node.label, 'x′', 'the x made on line 2');
    assert.equal(s.identifierAt(3, 2)?.node.label, 'x″');
    assert.equal(s.identifierAt(4, 9)?.node.label, 'x″', 'just after the name');
    assert.equal(s.identifierAt(4, 5), undefined, 'a function name is no version');
    assert.equal(s.definitionOf('x″')?.range.start.line, 3);
    // An edit with an error: the session is stale and answers nothing position-based.
    s.update('x = load("x.npy")\nx = x *\n', false, new Map([['x.npy', { bytes: npy([1]) }]]));
    assert.equal(s.stale, true);
    assert.equal(s.identifierAt(2, 1), undefined);
  });
});
