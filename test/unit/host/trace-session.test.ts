/** A traced script in the host's session model: adopted graph, the script's numbers, mismatch flags, step kept on re-trace. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEngine } from '../../../src/host/engineBinding';
import { GraphSession, tensorData } from '../../../src/host/session';
import { isTraceable } from '../../../src/host/traceCommand.pure';
import { buildTracedGraph, checkTrace, createTraceStepper, firstMismatchPerNode, traceFromJson, type TracedGraph } from '../../../src/trace';
import { buyAppleOrange } from '../trace/scripts';

function traced(bug: 'none' | 'mulNoSwap'): TracedGraph {
  return buildTracedGraph(traceFromJson(JSON.parse(JSON.stringify(buyAppleOrange(bug).doc()))));
}

function adopt(s: GraphSession, t: TracedGraph): void {
  s.mismatches = new Map(firstMismatchPerNode(checkTrace(t)).map((m) => [m.node, { message: m.message, yours: tensorData(m.got), reference: tensorData(m.expected), rule: m.rule }]));
  s.adopt(t.graph, createTraceStepper(t), [], 'source text');
}

describe('host session of a traced script', () => {
  it("shows the script's numbers, flags the wrong layer and keeps the step on a re-trace", () => {
    const s = new GraphSession('file:///work/buy_apple_orange.py', 'buy_apple_orange.py', createEngine());
    s.kind = 'trace';
    adopt(s, traced('mulNoSwap'));
    const info = s.graphInfo();
    assert.ok(info);
    const flagged = info.nodes.filter((n) => n.mismatch).map((n) => n.label);
    assert.deepEqual(flagged, ['mul_tax_layer']);
    assert.match(info.nodes.find((n) => n.mismatch)?.mismatch?.message.en ?? '', /returned dx = 650 for input all_price/);
    s.goTo(s.totalSteps);
    assert.equal(s.snapshot().grads.apple, 1300, "the script's (wrong) gradient, not the engine's");
    s.goTo(5);
    adopt(s, traced('none'));
    assert.equal(s.cursor, 5, 'same graph shape: same step');
    assert.deepEqual(s.graphInfo()?.nodes.filter((n) => n.mismatch), []);
    s.goTo(s.totalSteps);
    assert.equal(s.snapshot().grads.apple, 2.2);
  });

  it('finds Python files worth a Trace lens', () => {
    assert.ok(isTraceable('class MulLayer:\n    def forward(self, x, y):\n'));
    assert.ok(isTraceable('L.backward()\n'));
    assert.ok(!isTraceable('print("hello")\n'));
  });
});
