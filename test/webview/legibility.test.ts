/**
 * The panel is legible by construction, on every built-in example, fused and expanded, at three
 * panel sizes: every text renders at ≥ 12 CSS px (font size × the SVG's scale), no label overlaps
 * a node or another label, what is not in view is reachable by panning (the graph is larger than
 * the view and the current node is in it), nodes take their own clicks, and the detail pane shows
 * the current step's value, dout and outgoing gradients without scrolling.
 *
 * Pages run a few at a time in one browser, so the 50-odd panels take well under a minute.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ROOT, ensureBuilt, launch, openPanel } from './harness';

const SIZES = [
  { width: 400, height: 500 },
  { width: 700, height: 500 },
  { width: 1200, height: 800 },
] as const;
const PARALLEL = 4;
const MIN_PX = 12;

const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.backprop'))
  .sort();

/** Examples whose graph changes when composites are expanded (the others are checked once). */
function hasComposite(file: string): boolean {
  return /\b(sigmoid|affine)\s*\(/.test(readFileSync(join(ROOT, 'examples', file), 'utf8'));
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface Report {
  /** Smallest rendered text size in the graph, caption and detail pane, and where. */
  minFont: { px: number; where: string };
  overlaps: string[];
  /** Graph scale (the viewport's transform). */
  k: number;
  /** Union of everything drawn, and the graph's own box on screen. */
  drawn: Box;
  view: Box;
  current: { label: string; box: Box } | null;
  /** Nodes in view whose centre does not hit the node itself. */
  stolenClicks: string[];
  detail: { node: string | null; scrollTop: number; hidden: string[]; items: number };
}

/** Everything measured in the page (plain DOM, no test helpers inside). */
function measure(): Report {
  const rect = (el: Element): Box => {
    const r = el.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  };
  const meets = (a: Box, b: Box, tol = 0.5): boolean =>
    a.left < b.right - tol && b.left < a.right - tol && a.top < b.bottom - tol && b.top < a.bottom - tol;
  const visible = (el: Element): boolean => {
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') return false;
    for (let p: Element | null = el; p; p = p.parentElement) if (getComputedStyle(p).display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && (el.textContent ?? '').trim() !== '' || el.tagName === 'rect';
  };

  let minFont = { px: Infinity, where: '' };
  const svg = document.querySelector('svg.graph') as SVGSVGElement;
  for (const el of svg.querySelectorAll('text, tspan')) {
    if (!visible(el) || el.children.length > 0 && el.tagName === 'text' && [...el.childNodes].every((n) => n.nodeType !== Node.TEXT_NODE || !n.textContent?.trim())) continue;
    const ctm = (el as SVGGraphicsElement).getScreenCTM?.() ?? (el.parentElement as unknown as SVGGraphicsElement).getScreenCTM();
    const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 1;
    const px = parseFloat(getComputedStyle(el).fontSize) * scale;
    if (px < minFont.px) minFont = { px, where: `svg ${el.getAttribute('class') ?? el.tagName} "${el.textContent}"` };
  }
  for (const el of document.querySelectorAll('.caption-area *, #detail *, .toolbar *, .keys-hint')) {
    if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim())) continue;
    if (!visible(el)) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < minFont.px) minFont = { px, where: `html .${el.className} "${el.textContent?.slice(0, 30)}"` };
  }

  // Boxes: every node's parts (one group each) and every label's texts.
  const nodes: { name: string; boxes: Box[] }[] = [];
  for (const g of svg.querySelectorAll('.nodes .node, .ghosts .ghost')) {
    const parts = [...g.querySelectorAll('.node-shape, .node-hit, .ghost-box, .leaf-label, .node-name, .symbol')].filter(visible);
    nodes.push({ name: g.getAttribute('data-node') ?? `ghost ${g.getAttribute('data-ghost-of')}`, boxes: parts.map(rect) });
  }
  const labels: { name: string; box: Box; group: Element }[] = [];
  for (const lg of svg.querySelectorAll('.labels > g')) {
    for (const el of lg.querySelectorAll('.edge-value, .edge-grad, .chip')) {
      if (!visible(el)) continue;
      labels.push({ name: `${lg.getAttribute('data-edge-label') ?? lg.getAttribute('data-output-label')} ${el.getAttribute('class')}`, box: rect(el), group: lg });
    }
  }
  const overlaps: string[] = [];
  for (const l of labels) {
    for (const n of nodes) if (n.boxes.some((b) => meets(l.box, b))) overlaps.push(`${l.name} × node ${n.name}`);
  }
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i];
      const b = labels[j];
      // A badge holds its own value.
      if (a.group === b.group && (a.name.endsWith('chip') || b.name.endsWith('chip'))) continue;
      if (meets(a.box, b.box)) overlaps.push(`${a.name} × ${b.name}`);
    }
  }
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      if (nodes[i].boxes.some((a) => nodes[j].boxes.some((b) => meets(a, b)))) overlaps.push(`node ${nodes[i].name} × node ${nodes[j].name}`);
    }
  }

  const all = [...nodes.flatMap((n) => n.boxes), ...labels.map((l) => l.box)];
  const drawn = all.reduce<Box>(
    (u, b) => ({ left: Math.min(u.left, b.left), top: Math.min(u.top, b.top), right: Math.max(u.right, b.right), bottom: Math.max(u.bottom, b.bottom) }),
    { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity },
  );
  const view = rect(svg);
  const layer = svg.querySelector('.viewport') as SVGGElement;
  const k = layer.transform.baseVal.consolidate()?.matrix.a ?? 1;
  const cur = svg.querySelector('.node[data-current="true"]');
  const curShape = cur?.querySelector('.node-shape, .node-hit');
  const current = cur && curShape ? { label: cur.getAttribute('data-node') ?? '', box: rect(curShape) } : null;

  const stolenClicks: string[] = [];
  for (const g of svg.querySelectorAll('.nodes .node')) {
    const shape = g.querySelector('.node-shape, .node-hit');
    if (!shape) continue;
    const b = rect(shape);
    const x = (b.left + b.right) / 2;
    const y = (b.top + b.bottom) / 2;
    if (x < view.left + 2 || x > view.right - 2 || y < view.top + 2 || y > view.bottom - 2) continue;
    const hit = document.elementFromPoint(x, y);
    if (!hit || !g.contains(hit)) stolenClicks.push(`${g.getAttribute('data-node')} (hit ${hit?.getAttribute('class') ?? hit?.tagName})`);
  }

  const pane = document.getElementById('detail') as HTMLElement;
  const pr = rect(pane);
  const items = [...pane.querySelectorAll('[data-step-item], .out-grad')];
  const hidden = items.filter((el) => {
    const r = rect(el);
    return r.top < pr.top - 0.5 || r.bottom > pr.bottom + 0.5;
  }).map((el) => (el as HTMLElement).dataset.stepItem ?? `out-grad ${(el as HTMLElement).dataset.input}`);
  return {
    minFont,
    overlaps,
    k,
    drawn,
    view,
    current,
    stolenClicks,
    detail: { node: pane.dataset.detailNode ?? null, scrollTop: pane.scrollTop, hidden, items: items.length },
  };
}

interface Case {
  example: string;
  expanded: boolean;
  width: number;
  height: number;
}

const CASES: Case[] = EXAMPLES.flatMap((example) =>
  (hasComposite(example) ? [false, true] : [false]).flatMap((expanded) => SIZES.map((s) => ({ example, expanded, ...s }))),
);

let browser: Browser;
const reports = new Map<string, Report | Error>();
const name = (c: Case): string => `${c.example}${c.expanded ? ' (expanded)' : ''} at ${c.width}×${c.height}`;

async function run(c: Case): Promise<Report> {
  const p = await openPanel(browser, { example: c.example, width: c.width, height: c.height });
  try {
    const { page, host } = p;
    if (c.expanded) {
      host.receive({ type: 'change', change: { kind: 'command', command: 'toggleComposite' } });
      await host.flushed();
      await page.waitForFunction(() => document.querySelector('[data-node]') !== null);
    }
    await host.goTo(host.session.totalSteps);
    await waitCursor(page, host.session.totalSteps);
    // Fonts and the fade-in settle.
    await page.waitForTimeout(50);
    // tsx (esbuild keepNames) wraps named functions in `__name(...)`: give the page one.
    await page.evaluate('window.__name = (f) => f');
    const report = await page.evaluate(measure);
    assert.deepEqual(p.problems, [], 'console errors / page errors');
    return report;
  } finally {
    await p.close();
  }
}

async function waitCursor(page: Page, cursor: number): Promise<void> {
  await page.waitForFunction((c) => document.getElementById('backprop-root')?.dataset.cursor === String(c), cursor, { timeout: 10000 });
}

before(async () => {
  await ensureBuilt();
  browser = await launch();
  const queue = [...CASES];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        reports.set(name(c), await run(c).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
      }
    }),
  );
});

after(async () => {
  await browser?.close();
});

function reportOf(c: Case): Report {
  const r = reports.get(name(c));
  if (r instanceof Error) throw r;
  assert.ok(r, 'measured');
  return r;
}

describe('the panel is legible by construction', () => {
  for (const c of CASES) {
    test(name(c), () => {
      const r = reportOf(c);
      assert.ok(r.minFont.px >= MIN_PX - 0.01, `smallest text ${r.minFont.px.toFixed(2)} px: ${r.minFont.where}`);
      assert.ok(r.k >= 1 - 1e-9, `the panel shrank the graph to ${r.k}`);
      assert.deepEqual(r.overlaps, [], 'labels overlapping nodes or labels');
      assert.deepEqual(r.stolenClicks, [], 'a node whose centre does not take its click');
      // Everything in view, or the graph is bigger than the view and the current node is in it.
      const inside = (b: Box): boolean => b.left >= r.view.left - 0.5 && b.right <= r.view.right + 0.5 && b.top >= r.view.top - 0.5 && b.bottom <= r.view.bottom + 0.5;
      if (!inside(r.drawn)) {
        const bigger = r.drawn.right - r.drawn.left > r.view.right - r.view.left || r.drawn.bottom - r.drawn.top > r.view.bottom - r.view.top;
        assert.ok(bigger, `cut off although the graph fits: drawn ${JSON.stringify(r.drawn)}, view ${JSON.stringify(r.view)}`);
        assert.ok(r.current && inside(r.current.box), `the current node ${r.current?.label} is not in view`);
      }
      // Follow mode: the current step's node, everything that matters visible without scrolling.
      assert.equal(r.detail.node, r.current?.label, 'the detail pane follows the current step');
      assert.equal(r.detail.scrollTop, 0);
      assert.ok(r.detail.items >= 2, 'value and gradient rows');
      assert.deepEqual(r.detail.hidden, [], 'step rows below the fold');
    });
  }

  test('the smallest text over every example and size', () => {
    let min = { px: Infinity, where: '' };
    for (const c of CASES) {
      const r = reportOf(c);
      if (r.minFont.px < min.px) min = { px: r.minFont.px, where: `${name(c)}: ${r.minFont.where}` };
    }
    console.log(`minimum rendered font size: ${min.px.toFixed(2)} px (${min.where})`);
    assert.ok(min.px >= MIN_PX - 0.01);
  });
});
