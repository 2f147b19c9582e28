/** The panel's pure parts in Node: number formatting, the delta model and the dagre layout. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GraphInfo, NodeInfo } from '../../src/shared/protocol';
import { captionText, expressionOf } from '../../webview/caption';
import { LayoutCache, computeLayout, nodeShape } from '../../webview/layout';
import { PanelModel, edgeKey } from '../../webview/model';
import { formatNumber, inlineText, previewText, tensorJson, toNested } from '../../webview/tensorFormat';

describe('tensorFormat', () => {
  test('numbers print like the book, full precision stays in JSON', () => {
    assert.equal(formatNumber(100 * 1.1), '110');
    assert.equal(formatNumber(3 * 1.1), '3.3');
    assert.equal(formatNumber(650 * 1.1), '715');
    assert.equal(formatNumber(-0.25), '−0.25');
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(1.5e-7), '1.5e-7');
    assert.equal(formatNumber(12345678), '1.235e7');
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(-Infinity), '−∞');
    assert.equal(tensorJson({ shape: [], data: [100 * 1.1] }), '110.00000000000001');
  });

  test('nested arrays for every rank', () => {
    assert.equal(toNested({ shape: [], data: [2] }), 2);
    assert.deepEqual(toNested({ shape: [3], data: [1, 2, 3] }), [1, 2, 3]);
    assert.deepEqual(toNested({ shape: [2, 2], data: [1, 2, 3, 4] }), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(toNested({ shape: [2, 1, 2], data: [1, 2, 3, 4] }), [[[1, 2]], [[3, 4]]]);
    assert.deepEqual(toNested({ shape: [0], data: [] }), []);
  });

  test('edge text: scalars and tiny vectors inline, the rest as a shape chip', () => {
    assert.equal(inlineText({ shape: [], data: [2.2] }), '2.2');
    assert.equal(inlineText({ shape: [3], data: [5, 7, 9] }), '[5, 7, 9]');
    assert.equal(inlineText({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }), undefined);
    assert.equal(inlineText({ shape: [1, 1], data: [4] }), '4');
    assert.match(previewText({ shape: [10, 10], data: new Array(100).fill(1) }), /^\(10, 10\)\n(\[1, 1, 1, 1, 1, 1, …\]\n){6}…$/);
  });
});

function node(id: number, label: string, op: string, inputs: number[], extra: Partial<NodeInfo> = {}): NodeInfo {
  const leaf = op === 'leaf';
  return {
    id,
    label,
    op,
    symbol: leaf ? '' : op === 'mul' ? '×' : op === 'add' ? '+' : 'ReLU',
    inputs,
    shape: [],
    leaf,
    constant: false,
    forwardStep: -1,
    backwardStep: -1,
    rule: { en: '', ko: '' },
    formula: '',
    line: id + 1,
    ...extra,
  };
}

/** y = x * x + b: node 0 used twice by the same consumer. */
const GRAPH: GraphInfo = {
  uri: 'file:///t.backprop',
  fileName: 't.backprop',
  nodes: [node(0, 'x', 'leaf', []), node(1, 'b', 'leaf', []), node(2, 'sq', 'mul', [0, 0], { name: 'sq' }), node(3, 'y', 'add', [2, 1], { name: 'y' }), node(4, 'r', 'relu', [3])],
  output: 4,
  totalSteps: 6,
  forwardSteps: 3,
  expanded: false,
  layoutKey: 'k1',
};

describe('PanelModel', () => {
  test('applies deltas, null clears, and reports what changed', () => {
    const m = new PanelModel();
    m.setGraph(GRAPH, { cursor: 0, totalSteps: 6, phase: 'forward', current: null });
    assert.equal(m.edges.length, 5);
    assert.deepEqual(m.consumers.get(0)?.map((e) => edgeKey(e.to, e.index)), ['2:0', '2:1']);
    const c1 = m.apply([{ id: 0, value: { shape: [], data: [3] } }], []);
    assert.deepEqual([...c1.nodes], [0]);
    assert.deepEqual([...c1.edges].sort(), ['2:0', '2:1']);
    m.apply([], [{ to: 2, index: 1, grad: { shape: [], data: [6] } }]);
    assert.deepEqual(m.edgeGrad({ from: 0, to: 2, index: 1 }), { shape: [], data: [6] });
    m.apply([{ id: 0, grad: null }], [{ to: 2, index: 1, grad: null }]);
    assert.equal(m.edgeGrad({ from: 0, to: 2, index: 1 }), undefined);
    assert.equal(m.values.get(0)?.data[0], 3, 'a grad-only delta keeps the value');
    const ignored = m.apply([{ id: 99, value: { shape: [], data: [1] } }], []);
    assert.equal(ignored.nodes.size, 0, 'unknown ids are ignored');
    m.state = { cursor: 4, totalSteps: 6, phase: 'backward', current: 4 };
    assert.deepEqual(m.progress(), { forwardDone: 3, forwardTotal: 3, backwardDone: 1, backwardTotal: 3 });
  });
});

describe('caption', () => {
  test('says what the last step computed', () => {
    const m = new PanelModel();
    m.setGraph(GRAPH, { cursor: 0, totalSteps: 6, phase: 'forward', current: null });
    assert.match(captionText(m), /^Start/);
    m.state = { cursor: 2, totalSteps: 6, phase: 'forward', current: 3 };
    assert.equal(captionText(m), 'Forward 2/3: y = sq + b');
    m.state = { cursor: 6, totalSteps: 6, phase: 'done', current: 2 };
    assert.equal(captionText(m), 'Backward 3/3: sq (×) → x, x · every gradient is computed');
    assert.equal(expressionOf(GRAPH.nodes[4], (id) => GRAPH.nodes[id].label), 'r = ReLU(y)');
  });
});

describe('layout', () => {
  const measure = (t: string) => t.length * 8;

  test('left to right: inputs left of their consumers, output right-most, both x*x edges laid out', () => {
    const l = computeLayout(GRAPH, measure);
    const x = (id: number) => l.nodes.get(id)?.x ?? NaN;
    assert.ok(x(0) < x(2) && x(2) < x(3) && x(3) < x(4));
    assert.ok(x(1) < x(3));
    assert.equal(l.edges.size, 5);
    assert.ok(l.edges.has('2:0') && l.edges.has('2:1'));
    for (const e of l.edges.values()) {
      assert.ok(e.points.length >= 2);
      assert.ok(e.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y)));
    }
    assert.ok(l.output.points[1].x > x(4));
    assert.ok(l.width >= l.output.points[1].x);
    assert.equal(nodeShape(GRAPH.nodes[2]), 'circle');
    assert.equal(nodeShape(GRAPH.nodes[4]), 'box');
    assert.equal(nodeShape(GRAPH.nodes[0]), 'leaf');
  });

  test('edge ends sit on the circle of an operation node', () => {
    const l = computeLayout(GRAPH, measure);
    const sq = l.nodes.get(2);
    const end = l.edges.get('2:0')?.points.at(-1);
    assert.ok(sq && end);
    assert.ok(Math.abs(Math.hypot(end.x - sq.x, end.y - sq.y) - (sq.width / 2 + 1)) < 1e-6);
  });

  test('one layout per layoutKey', () => {
    const cache = new LayoutCache(2);
    const a = cache.get(GRAPH, measure);
    const b = cache.get({ ...GRAPH }, measure);
    assert.equal(a.reused, false);
    assert.equal(b.reused, true);
    assert.equal(a.layout, b.layout);
    cache.get({ ...GRAPH, layoutKey: 'k2' }, measure);
    cache.get({ ...GRAPH, layoutKey: 'k3' }, measure);
    assert.equal(cache.get(GRAPH, measure).reused, false, 'least recently used entry was dropped');
  });
});
