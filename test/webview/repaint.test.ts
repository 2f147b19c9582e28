/**
 * What a step costs the page (issue 16): on a big graph a step touches a bounded number of DOM
 * nodes, however big the graph, and only the tiles near the view are rendered; nothing moves by
 * itself on a big graph (no transition, no animation) nor anywhere under reduced motion.
 * Graph: the 2,000-node ladder of bench:vscode (bench/vscode/ladder.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { WebviewToHost } from '../../src/shared/protocol';
import { generateLadder } from '../../bench/vscode/ladder';
import { type PanelPage, ensureBuilt, launch, openPanel } from './harness';

let browser: Browser;

before(async () => {
  await ensureBuilt();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** What moving the host to `step` did to the page, from the message to the DOM update. */
interface StepWork {
  /** DOM nodes of the graph's SVG touched (attributes, text, children added or removed). */
  touched: number;
  records: number;
  /** Calls that read the layout (getBoundingClientRect, getBBox, clientWidth…): each forces one after the step's writes. */
  layoutReads: string[];
  /** classList add / remove / toggle calls, whether or not they changed anything (a walk over every element shows here). */
  classListCalls: number;
}

async function touchedBy(p: PanelPage, step: number): Promise<StepWork> {
  // tsx (esbuild keepNames) wraps the named helpers below in `__name(...)`: give the page one.
  await p.page.evaluate('window.__name = (f) => f');
  await p.page.evaluate(() => {
    const svg = document.querySelector('svg.graph') as SVGSVGElement;
    const touched = new Set<Node>();
    type Touch = { obs: MutationObserver; touched: Set<Node>; records: number; layoutReads: string[]; classListCalls: number; active: boolean };
    const w = window as unknown as { __touch?: Touch; __patched?: boolean };
    const obs = new MutationObserver((list) => {
      if (!w.__touch) return;
      for (const r of list) {
        w.__touch.records++;
        touched.add(r.target);
        r.addedNodes.forEach((n) => touched.add(n));
        r.removedNodes.forEach((n) => touched.add(n));
      }
    });
    obs.observe(svg, { subtree: true, attributes: true, childList: true, characterData: true });
    w.__touch = { obs, touched, records: 0, layoutReads: [], classListCalls: 0, active: true };
    if (w.__patched) return;
    w.__patched = true;
    // Counters around the page's own prototypes (the panel calls them like any page does).
    const wrapMethod = (proto: object, name: string, onCall: () => void): void => {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      const f = d?.value as ((...a: unknown[]) => unknown) | undefined;
      if (!f) return;
      Object.defineProperty(proto, name, {
        ...d,
        value: function (this: unknown, ...a: unknown[]) {
          onCall();
          return f.apply(this, a);
        },
      });
    };
    const layoutRead = (name: string) => () => {
      if (w.__touch?.active) w.__touch.layoutReads.push(name);
    };
    for (const name of ['getBoundingClientRect', 'getClientRects']) wrapMethod(Element.prototype, name, layoutRead(name));
    for (const name of ['getBBox', 'getScreenCTM', 'getCTM']) wrapMethod(SVGGraphicsElement.prototype, name, layoutRead(name));
    wrapMethod(window, 'getComputedStyle', layoutRead('getComputedStyle'));
    for (const name of ['clientWidth', 'clientHeight', 'scrollWidth', 'scrollHeight']) {
      const d = Object.getOwnPropertyDescriptor(Element.prototype, name);
      const get = d?.get;
      if (!get) continue;
      Object.defineProperty(Element.prototype, name, {
        ...d,
        get(this: Element) {
          layoutRead(name)();
          return get.call(this) as number;
        },
      });
    }
    for (const name of ['add', 'remove', 'toggle'])
      wrapMethod(DOMTokenList.prototype, name, () => {
        if (w.__touch?.active) w.__touch.classListCalls++;
      });
  });
  await p.host.goTo(step);
  await waitCursor(p.page, step);
  return p.page.evaluate(() => {
    const w = window as unknown as { __touch: { obs: MutationObserver; touched: Set<Node>; records: number; layoutReads: string[]; classListCalls: number; active: boolean } };
    w.__touch.active = false;
    for (const r of w.__touch.obs.takeRecords()) w.__touch.touched.add(r.target);
    w.__touch.obs.disconnect();
    return { touched: w.__touch.touched.size, records: w.__touch.records, layoutReads: w.__touch.layoutReads, classListCalls: w.__touch.classListCalls };
  });
}

async function waitCursor(page: Page, cursor: number): Promise<void> {
  await page.waitForFunction((c) => document.getElementById('backprop-root')?.dataset.cursor === String(c), cursor, { timeout: 30000 });
  // Two frames: whatever the step started (a transition) has begun.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Running animations and transitions, and the transition durations of the parts that had some. */
async function motion(page: Page): Promise<{ running: number; durations: string[] }> {
  return page.evaluate(() => ({
    running: document.getAnimations().length,
    durations: ['.edge-back', '.node .node-shape'].map((sel) => {
      const el = document.querySelector(sel);
      return el ? getComputedStyle(el).transitionDuration : 'missing';
    }),
  }));
}

describe('a step repaints only what it changes', () => {
  test('2,000-node ladder: a bounded number of DOM nodes per step, only tiles near the view rendered, no motion', async (t) => {
    const p = await openPanel(browser, { source: generateLadder(2000), example: 'ladder-2000.backprop', width: 1200, height: 700 });
    try {
      const { page } = p;
      const s = p.host.session;
      const dom = await page.evaluate(() => ({
        nodes: document.querySelectorAll('[data-node]').length,
        elements: document.querySelectorAll('svg.graph *').length,
        tiles: document.querySelectorAll('svg.graph .tile').length,
      }));
      assert.equal(dom.nodes, 2000, 'every node stays in the DOM');
      assert.ok(dom.tiles > 20, `${dom.tiles} tiles`);

      const forward = s.forwardSteps;
      const steps = [1, 2, 3, Math.floor(forward / 2), Math.floor(forward / 2) + 1, forward + 1, forward + 2, s.totalSteps - 1];
      const touched: number[] = [];
      const classListCalls: number[] = [];
      let prev = 0;
      for (const step of steps) {
        // Jumps are not a step: only single steps are counted.
        if (step !== prev + 1) await p.host.goTo(step - 1).then(() => waitCursor(page, step - 1));
        const r = await touchedBy(p, step);
        touched.push(r.touched);
        classListCalls.push(r.classListCalls);
        // A read of the layout after the step's writes lays out the whole drawing at once, inside
        // the message's handling (it took 7 ms a step on this graph, issue 16).
        assert.deepEqual(r.layoutReads, [], `step ${step}: layout read while handling the step`);
        prev = step;
        const m = await motion(page);
        assert.equal(m.running, 0, `step ${step}: ${m.running} animations or transitions running`);
        assert.deepEqual(m.durations, ['0s', '0s'], 'no transition on a big graph');
        // The current node is rendered (its tile is not culled) and on screen.
        const current = await page.evaluate(() => {
          const el = document.querySelector('.node[data-current="true"]');
          const view = document.querySelector('svg.graph')?.getBoundingClientRect();
          const r = el?.getBoundingClientRect();
          return el && r && view ? { culled: el.closest('.tile')?.classList.contains('culled') ?? false, inView: r.width > 0 && r.left >= view.left && r.right <= view.right && r.top >= view.top && r.bottom <= view.bottom } : null;
        });
        assert.deepEqual(current, { culled: false, inView: true }, `step ${step}: the current node in view`);
      }
      t.diagnostic(`2,000-node ladder (${dom.elements} SVG elements): DOM nodes touched per step ${touched.join(', ')}; classList calls ${classListCalls.join(', ')}`);
      // Nor does a step visit every edge or node to set classes that did not change (practice
      // mode's hidden gradients did: 2 calls per edge, every step).
      for (const [i, n] of classListCalls.entries()) assert.ok(n <= 200, `step ${steps[i]}: ${n} classList calls`);
      // A step writes a node's labels, its edges' labels and classes, and moves the ring: a few
      // dozen nodes, whatever the size of the graph (the whole SVG has tens of thousands).
      for (const [i, n] of touched.entries()) assert.ok(n <= 120, `step ${steps[i]} touched ${n} DOM nodes`);

      // Only the tiles near the view are rendered.
      const rendered = await page.evaluate(() => ({
        nodes: [...document.querySelectorAll('.node')].filter((n) => !n.closest('.tile.culled')).length,
        hidden: [...document.querySelectorAll('.node')].filter((n) => n.closest('.tile.culled') && n.getBoundingClientRect().width === 0).length,
      }));
      assert.ok(rendered.nodes > 0 && rendered.nodes < 400, `${rendered.nodes} of 2000 nodes rendered`);
      assert.equal(rendered.hidden, 2000 - rendered.nodes, 'a culled node is not rendered');

      // Panning brings the tiles in view back.
      const view = await page.locator('svg.graph').boundingBox();
      assert.ok(view);
      await page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
      for (let i = 0; i < 8; i++) await page.mouse.wheel(600, 0);
      const afterPan = await page.evaluate(() => {
        const vp = document.querySelector('svg.graph')?.getBoundingClientRect() as DOMRect;
        const inView = [...document.querySelectorAll('.node')].filter((n) => {
          const r = n.getBoundingClientRect();
          return r.width > 0 && r.right > vp.left && r.left < vp.right && r.bottom > vp.top && r.top < vp.bottom;
        });
        return inView.length;
      });
      assert.ok(afterPan > 0, 'nodes drawn where the view panned to');

      // The figure is the whole graph, the culled tiles included.
      p.host.post({ type: 'exportFigure', requestId: 7, format: 'svg' });
      await p.host.flushed();
      let data = '';
      for (let i = 0; i < 600 && !data; i++) {
        const m = (await p.posted()).find((x: WebviewToHost) => (x.type === 'figure' || x.type === 'figureError') && x.requestId === 7);
        if (m) {
          assert.equal(m.type, 'figure', JSON.stringify(m).slice(0, 200));
          if (m.type === 'figure') data = m.data;
        } else await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(data.match(/data-node="/g)?.length, 2000, 'every node in the figure');
      assert.equal(await page.evaluate(() => document.querySelectorAll('.tile.culled').length > 0), true, 'culled again after the figure');
      assert.deepEqual(await p.violations(), [], 'CSP violations');
      assert.deepEqual(p.problems, [], 'console errors / page errors / failed requests');
    } finally {
      await p.close();
    }
  });

  test('buy-apple-orange: no motion by default; with backprop.panel.animate, transitions on a small graph, none under prefers-reduced-motion', async () => {
    const p = await openPanel(browser);
    try {
      const { page } = p;
      const s = p.host.session;
      // By default nothing moves, so a key pressed right after a step waits for no frames.
      for (const step of [1, s.forwardSteps, s.forwardSteps + 1]) {
        await p.host.goTo(step);
        await waitCursor(page, step);
        const m = await motion(page);
        assert.equal(m.running, 0, `step ${step} by default: ${m.running} running`);
        assert.deepEqual(m.durations, ['0s', '0s']);
      }
      // The setting on (the host sends it on ready and when it changes).
      p.host.post({ type: 'motion', enabled: true });
      await p.host.goTo(s.forwardSteps);
      await waitCursor(page, s.forwardSteps);
      // Small graph: the backward arrow fades in (the check below can see a transition).
      await p.host.goTo(s.forwardSteps + 1);
      await waitCursor(page, s.forwardSteps + 1);
      const normal = await motion(page);
      assert.ok(normal.running > 0, 'a backward step starts a transition on a small graph');
      assert.deepEqual(normal.durations, ['0.25s', '0.15s, 0.15s']);
      assert.equal(await page.evaluate(() => document.querySelectorAll('.tile.culled').length), 0, 'a small graph is never culled');

      await page.emulateMedia({ reducedMotion: 'reduce' });
      await p.host.goTo(0);
      await waitCursor(page, 0);
      for (const step of [1, 2, s.forwardSteps, s.forwardSteps + 1, s.forwardSteps + 2]) {
        await p.host.goTo(step);
        await waitCursor(page, step);
        const m = await motion(page);
        assert.equal(m.running, 0, `step ${step} with reduced motion: ${m.running} running`);
        assert.deepEqual(m.durations, ['0s', '0s']);
      }
    } finally {
      await p.close();
    }
  });
});
