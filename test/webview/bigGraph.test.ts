/**
 * The panel on a graph whose edges span thousands of ranks: `generateProgram(2000)` (bench), a
 * chain where two shared weights feed ~800 operations. Dagre alone inserted ~1.6 million dummy
 * nodes and the panel stayed at "Laying out…" for minutes; it must draw in bounded time.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { generateProgram } from '../../bench/graph2000';
import { ARTIFACTS, openPanel, useBrowser } from './harness';

/** Generous for a loaded 2-core machine, far below the old hang. */
const DRAW_BOUND_MS = 60_000;

const browser = useBrowser();

describe('panel on a graph with very long edges', () => {
  test('generateProgram(2000) draws in bounded time, every node and edge once, and steps', async (t) => {
    const t0 = performance.now();
    const p = await openPanel(browser(), { source: generateProgram(2000), example: 'graph2000.backprop', width: 1200, height: 700 });
    const { page } = p;
    try {
      const root = page.locator('#backprop-root');
      const graph = p.host.session.graphInfo();
      assert.ok(graph);
      const output = graph.nodes.find((n) => n.id === graph.output);
      assert.equal(output?.label, 'out');
      await page.waitForFunction(
        () => document.querySelector('[data-node="out"]') !== null && Number(document.getElementById('backprop-root')?.dataset.total) > 0,
        undefined,
        { timeout: Math.max(1000, DRAW_BOUND_MS - (performance.now() - t0)) },
      );
      const drawnMs = performance.now() - t0;
      assert.ok(drawnMs < DRAW_BOUND_MS, `drawn after ${drawnMs.toFixed(0)} ms`);
      assert.equal(await root.getAttribute('data-total'), String(p.host.session.totalSteps));
      const inPage = await page.evaluate(() => performance.getEntriesByName('backprop:graph').at(-1)?.duration ?? -1);
      t.diagnostic(`generateProgram(2000): open → drawn ${drawnMs.toFixed(0)} ms; graph message → drawn in page ${inPage.toFixed(0)} ms (layout included)`);

      // The DOM contract: each node's data-node exactly once (ghost copies carry none), every edge once.
      const dom = await page.evaluate(() => ({
        nodes: [...document.querySelectorAll('[data-node]')].map((e) => e.getAttribute('data-node') ?? ''),
        edges: [...document.querySelectorAll('[data-edge]')].map((e) => e.getAttribute('data-edge') ?? ''),
        ghosts: [...document.querySelectorAll('.ghost')].map((e) => ({ of: e.getAttribute('data-ghost-of'), node: e.hasAttribute('data-node') })),
      }));
      assert.equal(dom.nodes.length, graph.nodes.length);
      assert.equal(new Set(dom.nodes).size, graph.nodes.length, 'no data-node twice');
      const label = new Map(graph.nodes.map((n) => [n.id, n.label]));
      const expected = graph.nodes.flatMap((n) => n.inputs.map((from, i) => `${label.get(from)}->${n.label}:${i}`));
      assert.deepEqual([...dom.edges].sort(), [...expected].sort());
      assert.ok(dom.ghosts.length > 700, `${dom.ghosts.length} repeated inputs`);
      assert.ok(dom.ghosts.every((g) => !g.node && (g.of === 'w0' || g.of === 'w1')));
      // Values of the inputs are there from the start, on the edges leaving a ghost too.
      const farEdge = page.locator('[data-edge="w0->v1995:1"]');
      assert.equal(await farEdge.count(), 1);
      assert.deepEqual(JSON.parse((await farEdge.getAttribute('data-value')) ?? 'null'), [0.5, -0.25, 0.75, 1.0]);

      await page.screenshot({ path: join(ARTIFACTS, 'graph2000-start.png') });
      await page.getByRole('button', { name: 'Step Forward', exact: true }).click();
      await page.waitForFunction(() => document.getElementById('backprop-root')?.dataset.cursor === '1', undefined, { timeout: 30000 });
      assert.equal(await page.locator('[data-current="true"]').count(), 1);
      assert.deepEqual(await p.violations(), [], 'CSP violations');
      assert.deepEqual(p.problems, [], 'console errors / page errors / failed requests');
    } finally {
      await p.close();
    }
  });
});
