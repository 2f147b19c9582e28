/** Graph building, replay and the check of traced Python (src/trace), on traces written like the tracer's. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { backprop } from '../../../src/engine/numgrad';
import { buildTracedGraph, checkTrace, createTraceStepper, parseTrace, traceFromJson, TraceBuildError, TraceFormatError, type TracedGraph } from '../../../src/trace';
import { arr, map, TraceWriter } from './helpers';
import { buyAppleOrange, twoLayerNet } from './scripts';

function traced(w: TraceWriter): TracedGraph {
  return buildTracedGraph(traceFromJson(JSON.parse(JSON.stringify(w.doc()))));
}

function labelOf(t: TracedGraph, id: number): string {
  return t.graph.nodes[id].label;
}

describe('trace document', () => {
  it('reads the fixture and rejects malformed fields with their path', () => {
    const text = readFileSync(new URL('../../fixtures/trace/buy_apple_orange.json', import.meta.url), 'utf8');
    const doc = parseTrace(text);
    assert.equal(doc.events.length, 8);
    assert.equal(doc.values.get(0)?.name, 'apple');
    const bad = JSON.parse(text) as { events: { args: Record<string, unknown> }[] };
    bad.events[0].args.x = 'zero';
    assert.throws(() => traceFromJson(bad), (e: unknown) => e instanceof TraceFormatError && /events\[0\]\.args\.x/.test(e.message));
    assert.throws(() => parseTrace('{"version": 2}'), /version 1/);
    assert.throws(() => parseTrace('not json'), TraceFormatError);
    const huge = JSON.parse(text) as { values: { shape: number[]; data: number[] }[] };
    huge.values[0].shape = [3];
    assert.throws(() => traceFromJson(huge), /needs 3/);
  });

  it('non-finite numbers come as strings', () => {
    const w = buyAppleOrange();
    const doc = w.doc() as { values: { data: unknown[] }[] };
    doc.values[0].data = ['NaN'];
    assert.ok(Number.isNaN(traceFromJson(doc).values.get(0)?.data?.[0]));
  });
});

describe('graph of a traced script', () => {
  it('buy_apple_orange: leaves, layers as ops, edges by identity, the script order and its numbers', () => {
    const t = traced(buyAppleOrange());
    const labels = t.graph.nodes.map((n) => `${n.label}:${n.op}`);
    assert.deepEqual(labels, [
      'apple:leaf',
      'apple_num:leaf',
      'mul_apple_layer:mul',
      'orange:leaf',
      'orange_num:leaf',
      'mul_orange_layer:mul',
      'add_apple_orange_layer:add',
      'tax:leaf',
      'mul_tax_layer:mul',
    ]);
    assert.equal(labelOf(t, t.graph.output), 'mul_tax_layer');
    assert.equal(t.graph.nodes[8].name, 'price');
    assert.equal(t.graph.nodes[8].range.start.line, 13);
    assert.deepEqual(t.graph.nodes[6].inputs, [2, 5]);
    const s = createTraceStepper(t);
    s.runBackward();
    assert.equal(s.valueAt(8)?.item(), 715.0000000000001);
    assert.equal(s.gradAt(0)?.item(), 2.2);
    assert.equal(s.gradAt(1)?.item(), 110.00000000000001);
    assert.equal(s.gradAt(7)?.item(), 650);
    const check = checkTrace(t);
    assert.deepEqual(check.mismatches, []);
    assert.ok(check.leaves.every((l) => l.maxAbsDiff === 0), JSON.stringify(check.leaves.map((l) => l.maxAbsDiff)));
  });

  it('int and float leaves become float tensors with their values', () => {
    const t = traced(buyAppleOrange());
    assert.equal(t.graph.nodes[1].value?.item(), 2);
    assert.equal(t.graph.nodes[7].value?.item(), 1.1);
    assert.equal(t.graph.nodes[1].constant, undefined);
  });

  it('a multiply layer that does not swap is caught at that layer, not at the layers before it', () => {
    const t = traced(buyAppleOrange('mulNoSwap'));
    const check = checkTrace(t);
    assert.deepEqual(
      check.mismatches.map((m) => [m.label, m.phase, m.what, m.got?.item(), m.expected?.item()]),
      [
        ['mul_tax_layer', 'backward', 'dx', 650, 1.1],
        ['mul_tax_layer', 'backward', 'dy', 1.1, 650],
      ],
    );
    const m = check.mismatches[0];
    assert.equal(m.message.en, 'mul_tax_layer.backward returned dx = 650 for input all_price; the reference gives 1.1 (multiply node: multiply the upstream gradient by the other input (swap the inputs))');
    assert.match(m.message.ko, /입력을 서로 바꿔 곱한다/);
    assert.equal(m.site.line, 16);
    // The effect on the leaves: the script's gradients are 650 times too big.
    const apple = check.leaves.find((l) => l.label === 'apple');
    assert.equal(apple?.script?.item(), 1300);
    assert.equal(apple?.reference?.item(), 2.2);
  });

  it('an add layer that doubles one gradient is caught at the add layer only', () => {
    const check = checkTrace(traced(buyAppleOrange('addDoubles')));
    assert.deepEqual(check.mismatches.map((m) => `${m.label} ${m.what}`), ['add_apple_orange_layer dx']);
  });

  it('steps backward in the order the script ran, even when it is not the reverse of forward', () => {
    const w = new TraceWriter();
    const a = arr(2);
    const b = arr(3);
    const c = arr(4);
    w.id(a, 'a');
    w.id(b, 'b');
    w.id(c, 'c');
    const m1 = w.layer({ cls: 'MulLayer', name: 'm1', forwardParams: ['x', 'y'] });
    const m2 = w.layer({ cls: 'MulLayer', name: 'm2', forwardParams: ['x', 'y'] });
    const add = w.layer({ cls: 'AddLayer', name: 'add', forwardParams: ['x', 'y'] });
    const ab = arr(6);
    const bc = arr(12);
    const s = arr(18);
    w.forward(m1, { x: a, y: b }, ab, 1);
    w.forward(m2, { x: b, y: c }, bc, 2);
    w.forward(add, { x: ab, y: bc }, s, 3);
    w.backward(add, arr(1), [arr(1), arr(1)], 4);
    w.backward(m1, arr(1), [arr(3), arr(2)], 5);
    w.backward(m2, arr(1), [arr(4), arr(3)], 6);
    const t = traced(w);
    const stepper = createTraceStepper(t);
    const order = Array.from({ length: stepper.totalSteps }, (_, i) => labelOf(t, stepper.nodeOfStep(i)));
    assert.deepEqual(order, ['m1', 'm2', 'add', 'add', 'm1', 'm2']);
    stepper.runBackward();
    // Fan-out: b is used by m1 and m2 and gets both gradients.
    assert.equal(stepper.gradAt(t.graph.nodes.findIndex((n) => n.label === 'b'))?.item(), 6);
    assert.deepEqual(checkTrace(t).mismatches, []);
  });

  it('fan-out: a layer given a dout that is not the sum of its consumers is flagged (wiring)', () => {
    const w = new TraceWriter();
    const x = arr(3);
    w.id(x, 'x');
    const sq = w.layer({ cls: 'MulLayer', name: 'square', forwardParams: ['x', 'y'] });
    const xx = arr(9);
    w.forward(sq, { x, y: x }, xx, 1, 'xx');
    const two = arr(2);
    w.id(two, 'two');
    const m = w.layer({ cls: 'MulLayer', name: 'm', forwardParams: ['x', 'y'] });
    const m2 = w.layer({ cls: 'MulLayer', name: 'm2', forwardParams: ['x', 'y'] });
    const y1 = arr(18);
    const y2 = arr(81);
    w.forward(m, { x: xx, y: two }, y1, 2);
    w.forward(m2, { x: xx, y: xx }, y2, 3);
    const add = w.layer({ cls: 'AddLayer', name: 'add', forwardParams: ['x', 'y'] });
    w.forward(add, { x: y1, y: y2 }, arr(99), 4);
    w.backward(add, arr(1), [arr(1), arr(1)], 5);
    w.backward(m2, arr(1), [arr(9), arr(9)], 6);
    w.backward(m, arr(1), [arr(2), arr(9)], 7);
    // The script forgot to add: square gets only m's 2, not 2 + 9 + 9.
    w.backward(sq, arr(2), [arr(6), arr(6)], 8);
    const check = checkTrace(traced(w));
    assert.deepEqual(check.mismatches.map((mm) => `${mm.label} ${mm.what} ${mm.got?.item()} ${mm.expected?.item()}`), ['square dout 2 20']);
    assert.match(check.mismatches[0].message.en, /m2, m2, m|m, m2, m2|add up to 20/);
    // Each consumer is named once (m2 uses xx twice), from the replay stepper's table of consumers.
    assert.match(check.mismatches[0].message.en, /the gradients that m, m2 sent back add up to 20/);
  });

  it('a layer object called twice is two nodes; each backward pairs with the latest forward', () => {
    const w = new TraceWriter();
    const x = arr(3);
    w.id(x, 'x');
    const sq = w.layer({ cls: 'MulLayer', name: 'mul', forwardParams: ['x', 'y'] });
    const y = arr(9);
    const z = arr(81);
    w.forward(sq, { x, y: x }, y, 1, 'y');
    w.forward(sq, { x: y, y }, z, 2, 'z');
    w.backward(sq, arr(1), [arr(9), arr(9)], 3);
    w.backward(sq, arr(18), [arr(54), arr(54)], 4);
    const t = traced(w);
    assert.deepEqual(t.graph.nodes.map((n) => n.label), ['x', 'mul', 'mul#2']);
    const check = checkTrace(t);
    assert.deepEqual(check.mismatches, []);
    const s = createTraceStepper(t);
    s.runBackward();
    assert.equal(s.gradAt(0)?.item(), 108);
  });

  it('TwoLayerNet: Affine parameters are leaves, labels a constant, broadcasting of b, no mismatch', () => {
    const t = traced(twoLayerNet());
    const leaves = t.graph.nodes.filter((n) => n.op === 'leaf').map((n) => `${n.label}${n.constant ? '(const)' : ''}`);
    assert.deepEqual(leaves, ['x', 'W1', 'b1', 'W2', 'b2', 't(const)']);
    assert.deepEqual(t.graph.nodes.filter((n) => n.op !== 'leaf').map((n) => `${n.label}:${n.op}`), ['Affine1:affine', 'Relu1:relu', 'Affine2:affine', 'lastLayer:softmax_with_loss']);
    const check = checkTrace(t);
    assert.deepEqual(check.mismatches.map((m) => m.message.en), []);
    for (const l of check.leaves) assert.ok(l.relError < 1e-12, `${l.label} ${l.relError}`);
    // The replayed numbers are the engine's numbers here.
    const ref = backprop(t.graph);
    const s = createTraceStepper(t);
    s.runBackward();
    assert.ok(Math.abs((s.valueAt(t.graph.output)?.item() ?? 0) - ref.values[t.graph.output].item()) < 1e-12);
  });

  it("Relu's in-place dout: the recorded dout is the copy before the call, so Relu is not flagged", () => {
    const t = traced(twoLayerNet());
    const relu = t.graph.nodes.find((n) => n.label === 'Relu1');
    const tr = relu && t.nodes[relu.id];
    assert.ok(tr?.dout && tr.grads?.[0]);
    assert.ok(tr.dout.data.some((v, i) => v !== tr.grads?.[0]?.data[i]), 'the mask zeroed some of dout');
  });

  it('a Relu that forgets the mask is caught at Relu1, not at Affine1 below it', () => {
    const check = checkTrace(traced(twoLayerNet('reluNoMask')));
    assert.deepEqual([...new Set(check.mismatches.map((m) => m.label))], ['Relu1']);
    const w1 = check.leaves.find((l) => l.label === 'W1');
    assert.ok(w1 && w1.maxAbsDiff > 1e-6, 'the effect reaches W1');
    assert.ok((check.leaves.find((l) => l.label === 'W2')?.maxAbsDiff ?? 1) < 1e-12);
  });

  it('an Affine whose db is not summed over the batch gets a shape message; the stepper still replays', () => {
    const t = traced(twoLayerNet('dbNotSummed'));
    const check = checkTrace(t);
    assert.deepEqual(check.mismatches.map((m) => `${m.label} ${m.what}`), ['Affine2 db', 'Affine1 db']);
    assert.match(check.mismatches[0].message.en, /db the shape \(3, 3\), but b has shape \(3,\)/);
    const s = createTraceStepper(t);
    s.runBackward();
    assert.equal(s.gradAt(t.graph.nodes.findIndex((n) => n.label === 'b2')), undefined);
  });

  it('a custom layer is checked with the tracer numerical gradient', () => {
    const make = (ok: boolean) => {
      const w = new TraceWriter();
      const x = arr([1, 2]);
      w.id(x, 'x');
      const sq = w.layer({ cls: 'Square', name: 'square', forwardParams: ['x'] });
      const y = map(x, (v) => v * v);
      w.forward(sq, { x }, y, 3, 'y');
      const dx = ok ? map(x, (v) => 2 * v) : map(x, (v) => v);
      w.backward(sq, arr([1, 1]), [dx], 4, {}, { ok, maxRelError: ok ? 1e-10 : 0.5, grads: { x: map(x, (v) => 2 * v) } });
      return traced(w);
    };
    const good = make(true);
    assert.equal(good.graph.nodes[1].op, 'custom');
    assert.equal(good.graph.nodes[1].className, 'Square');
    assert.deepEqual(checkTrace(good).mismatches, []);
    const bad = checkTrace(make(false));
    assert.deepEqual(bad.mismatches.map((m) => `${m.label} ${m.what}`), ['square dx']);
    assert.match(bad.mismatches[0].message.en, /numerical gradient gives dx\[1\] = 4/);
  });

  it('class names match the book robustly; other classes are custom', async () => {
    const { knownLayerOp, microgradOp } = await import('../../../src/trace');
    assert.equal(knownLayerOp('MulLayer', 2, [])?.op, 'mul');
    assert.equal(knownLayerOp('mullayer', 2, [])?.op, 'mul');
    assert.equal(knownLayerOp('ReLU', 1, [])?.op, 'relu');
    assert.equal(knownLayerOp('Affine', 1, ['W', 'b'])?.op, 'affine');
    assert.equal(knownLayerOp('Affine', 1, ['weight']), undefined);
    assert.equal(knownLayerOp('MulLayer', 3, []), undefined);
    assert.equal(knownLayerOp('Dropout', 1, []), undefined);
    assert.deepEqual(microgradOp('**2'), { op: 'pow', exponent: 2 });
    assert.deepEqual(microgradOp('**-1'), { op: 'pow', exponent: -1 });
    assert.deepEqual(microgradOp('ReLU'), { op: 'relu' });
    assert.deepEqual(microgradOp('sin'), { op: 'custom' });
  });

  it('a script with no layers and no micrograd backward() is an error that says so', () => {
    const w = new TraceWriter();
    assert.throws(() => traced(w), (e: unknown) => e instanceof TraceBuildError && e.message === 'no forward/backward calls and no micrograd backward() were seen');
  });

  it('summarised values are a clear error', () => {
    const w = buyAppleOrange();
    const doc = w.doc() as { values: { data: unknown; summary: unknown }[] };
    doc.values[0].data = null;
    doc.values[0].summary = { min: 100, max: 100, mean: 100 };
    assert.throws(() => buildTracedGraph(traceFromJson(doc)), /summarised/);
  });
});

describe('micrograd', () => {
  /** a = 2, b = -3, c = 10; e = a * b; d = e + c; f = -2; L = d * f; and L.backward(). */
  function expr(bugMul = false) {
    const w = new TraceWriter('/work/expr.py');
    const nodes = [
      { id: 0, name: 'a', op: '', prev: [], data: 2, grad: bugMul ? 4 : 6, line: 3 },
      { id: 1, name: 'b', op: '', prev: [], data: -3, grad: -4, line: 4 },
      { id: 2, name: 'c', op: '', prev: [], data: 10, grad: -2, line: 5 },
      { id: 3, name: 'e', op: '*', prev: [0, 1], data: -6, grad: -2, line: 6 },
      { id: 4, name: 'd', op: '+', prev: [3, 2], data: 4, grad: -2, line: 7 },
      { id: 5, name: 'f', op: '', prev: [], data: -2, grad: 4, line: 8 },
      { id: 6, name: 'L', op: '*', prev: [4, 5], data: -8, grad: 1, line: 9 },
      { id: 7, name: null, op: '**2', prev: [0], data: 4, grad: 0, line: 10 },
    ];
    w.micrograd.push({ seq: 0, file: '/work/expr.py', line: 11, column: 1, root: 6, nodes });
    return w;
  }

  it('builds the graph reachable from the root and replays .grad', () => {
    const t = traced(expr());
    assert.equal(t.source, 'micrograd');
    assert.deepEqual(t.graph.nodes.map((n) => `${n.label}:${n.op}`), ['a:leaf', 'b:leaf', 'c:leaf', 'e:mul', 'd:add', 'f:leaf', 'L:mul']);
    const s = createTraceStepper(t);
    s.runBackward();
    assert.equal(s.gradAt(0)?.item(), 6);
    assert.equal(s.gradAt(5)?.item(), 4);
    assert.deepEqual(checkTrace(t).mismatches, []);
  });

  it('a wrong .grad is caught at the op that sent it', () => {
    const check = checkTrace(traced(expr(true)));
    assert.deepEqual(check.mismatches.map((m) => `${m.label} ${m.what} ${m.got?.item()} ${m.expected?.item()}`), ['e a.grad 4 6']);
  });

  it('a * a (one child used twice) and pow', () => {
    const w = new TraceWriter('/work/sq.py');
    w.micrograd.push({
      seq: 0,
      file: '/work/sq.py',
      line: 5,
      column: 1,
      root: 2,
      nodes: [
        { id: 0, name: 'a', op: '', prev: [], data: 3, grad: 33, line: 1 },
        { id: 1, name: 'b', op: '*', prev: [0], data: 9, grad: 1, line: 2 },
        { id: 2, name: 'c', op: '+', prev: [1, 3], data: 36, grad: 1, line: 3 },
        { id: 3, name: 'p', op: '**3', prev: [0], data: 27, grad: 1, line: 3 },
      ].sort((x, y) => (x.id === 3 ? -1 : y.id === 3 ? 1 : 0) || x.id - y.id),
    });
    // Topological order: a, p, b, c.
    const doc = w.doc() as { micrograd: { nodes: { id: number }[] }[] };
    doc.micrograd[0].nodes = [0, 3, 1, 2].map((id) => (w.micrograd[0] as { nodes: { id: number }[] }).nodes.find((n) => n.id === id) as { id: number });
    const t = buildTracedGraph(traceFromJson(doc));
    assert.deepEqual(t.graph.nodes.map((n) => `${n.label}:${n.op}${n.exponent ?? ''}`), ['a:leaf', 'p:pow3', 'b:mul', 'c:add']);
    assert.deepEqual(t.graph.nodes[2].inputs, [0, 0]);
    // 2a + 3a² = 6 + 27 = 33
    assert.deepEqual(checkTrace(t).mismatches, []);
  });
});

describe('trace fixtures', () => {
  it('the committed fixtures are what the trace scripts write', () => {
    for (const [file, w] of [
      ['buy_apple_orange.json', buyAppleOrange()],
      ['buy_apple_orange_bug.json', buyAppleOrange('mulNoSwap')],
    ] as const) {
      const text = readFileSync(new URL(`../../fixtures/trace/${file}`, import.meta.url), 'utf8');
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(w.doc())), file);
    }
  });
});


