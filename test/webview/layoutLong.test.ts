/**
 * The layout of graphs whose edges span thousands of ranks (a weight shared all along a long
 * chain): long edges leave dagre's graph and are drawn from repeated inputs, so the layout stays
 * bounded, while ordinary graphs are laid out exactly as before.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateProgram } from '../../bench/graph2000';
import { createEngine } from '../../src/host/engineBinding';
import { GraphSession } from '../../src/host/session';
import type { GraphInfo } from '../../src/shared/protocol';
import { DUMMY_BUDGET, LONG_SPAN, computeLayout, foldedConstants, ghostEdges, longestPathRanks } from '../../webview/layout';
import { edgeKey } from '../../webview/model';

const measure = (t: string): number => t.length * 8;

function compile(source: string): GraphInfo {
  const session = new GraphSession('file:///test/g.backprop', 'g.backprop', createEngine());
  const r = session.update(source);
  const err = r.diagnostics.find((d) => d.severity === 'error');
  assert.equal(err, undefined, err?.message);
  const graph = session.graphInfo();
  assert.ok(graph);
  return graph;
}

describe('layout of graphs with long edges', () => {
  const graph = compile(generateProgram(2000));
  const byLabel = new Map(graph.nodes.map((n) => [n.label, n]));
  /** The chain v0 … vLast (then `out = sum(vLast)`). */
  const last = graph.nodes.filter((n) => /^v\d+$/.test(n.label)).length - 1;

  test('ranks: operations one past their highest input, a leaf right before its first consumer', () => {
    const rank = longestPathRanks(graph);
    const r = (label: string): number => rank.get(byLabel.get(label)?.id ?? -1) ?? NaN;
    assert.equal(r('v0'), 0);
    assert.equal(r('v1'), 1);
    assert.equal(r(`v${last}`) - r('v1'), last - 1, 'the chain is one rank per node');
    assert.equal(r('w1'), 0, 'w1 first feeds v1');
    assert.equal(r('w0'), 4, 'w0 first feeds v5');
    assert.equal(r('out'), r(`v${last}`) + 1);
  });

  test('generateProgram(2000): the far uses of w0 and w1 come from repeated inputs, every edge and node laid out once', () => {
    assert.equal(graph.nodes.length, 2000);
    const ghosts = ghostEdges(graph);
    const w0 = byLabel.get('w0');
    const w1 = byLabel.get('w1');
    assert.ok(w0 && w1);
    const farUses = graph.nodes.flatMap((n) => n.inputs.flatMap((from, i) => ((from === w0.id || from === w1.id) ? [edgeKey(n.id, i)] : [])));
    // All but the first use of each weight (which sits right next to it).
    assert.equal(ghosts.size, farUses.length - 2);
    for (const key of ghosts) assert.ok(farUses.includes(key), `${key} is not a use of w0/w1`);

    const l = computeLayout(graph, measure);
    assert.equal(l.nodes.size, graph.nodes.length);
    const edgeCount = graph.nodes.reduce((s, n) => s + n.inputs.length, 0);
    assert.equal(l.edges.size, edgeCount, 'every edge keeps a path');
    assert.equal(l.ghosts.length, ghosts.size);
    for (const e of l.edges.values()) assert.ok(e.points.length >= 2 && e.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y)), e.key);

    // A ghost sits just before its consumer, and its edge runs from it (not from the far-left original).
    for (const ghost of l.ghosts) {
      const [to] = ghost.edge.split(':').map(Number);
      const consumer = l.nodes.get(to);
      assert.ok(consumer);
      const path = l.edges.get(ghost.edge);
      assert.ok(path);
      // Next to it: only the edge's label (its numbers written out) and the rank gaps between them.
      assert.ok(ghost.x < consumer.x && consumer.x - ghost.x < path.labelBox.width + 150, `ghost of ${ghost.of} for ${ghost.edge} is next to its consumer`);
      assert.ok(Math.abs(path.points[0].x - ghost.x) <= ghost.width / 2 + 2, 'the edge starts at the ghost');
    }
    // Left to right along the chain, and the drawing stays a band (not a staircase thousands of pixels tall).
    const x = (label: string): number => l.nodes.get(byLabel.get(label)?.id ?? -1)?.x ?? NaN;
    for (let i = 1; i <= last; i++) assert.ok(x(`v${i - 1}`) < x(`v${i}`), `v${i - 1} left of v${i}`);
    assert.ok(x(`v${last}`) < x('out'));
    assert.ok(l.height < 400, `height ${l.height}`);
  });

  test('a graph of 5,000 nodes (the language limit) is laid out, without a stack overflow', () => {
    const big = compile(generateProgram(5000));
    const l = computeLayout(big, measure);
    assert.equal(l.nodes.size, 5000);
    assert.equal(l.edges.size, big.nodes.reduce((s, n) => s + n.inputs.length, 0));
  });

  test('a long plain chain needs no ghost; a graph within the budget is left to dagre as before', () => {
    const lines = ['x0 = 1'];
    for (let i = 1; i < 1000; i++) lines.push(`x${i} = x${i - 1} * 1.001`);
    const chain = compile(lines.join('\n'));
    assert.equal(ghostEdges(chain).size, 0, 'constants sit next to their consumer');
    const l = computeLayout(chain, measure);
    assert.equal(l.ghosts.length, 0);
    // The literal 1.001 of each step is written beside its × (a stub), not drawn as a leaf.
    const folded = foldedConstants(chain);
    assert.equal(folded.size, 999);
    assert.equal(l.nodes.size, chain.nodes.length - folded.size);
    assert.equal(l.edges.size, chain.nodes.reduce((s, n) => s + n.inputs.length, 0), 'every edge keeps a path (a stub for a folded constant)');
    for (const id of folded) assert.ok(!l.nodes.has(id));

    // One input used by a node many ranks later, but few such ranks in total: a normal dagre edge.
    const skip = compile(['a = 2', 'b = a * 3', 'c = b * 3', 'd = c * 3', 'e = d * 3', 'f = e * a'].join('\n'));
    const rank = longestPathRanks(skip);
    const a = skip.nodes.find((n) => n.label === 'a');
    const f = skip.nodes.find((n) => n.label === 'f');
    assert.ok(a && f);
    assert.ok((rank.get(f.id) ?? 0) - (rank.get(a.id) ?? 0) > LONG_SPAN);
    assert.equal(ghostEdges(skip).size, 0, `well under ${DUMMY_BUDGET} dummy nodes`);
    assert.equal(computeLayout(skip, measure).ghosts.length, 0);
  });
});
