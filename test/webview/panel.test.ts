/**
 * Browser tests of the panel: the built dist/webview/main.js in headless chromium under the
 * extension's strict CSP, driven by a fake host that runs the real engine on the book's examples.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { PanelChange, WebviewToHost } from '../../src/shared/protocol';
import { writeNpz } from '../../src/engine/io/npz';
import { Tensor } from '../../src/engine/tensor';
import { foldedConstants } from '../../webview/layout';
import { ARTIFACTS, type OpenOptions, type PanelPage, openPanel, useBrowser } from './harness';

const browser = useBrowser();

async function open(opts: OpenOptions = {}): Promise<PanelPage> {
  return openPanel(browser(), opts);
}

async function waitCursor(page: Page, cursor: number, timeout = 5000): Promise<void> {
  await page.waitForFunction((c) => document.getElementById('backprop-root')?.dataset.cursor === String(c), cursor, { timeout });
}

/** data-edge → parsed data-value / data-grad (undefined when the attribute is absent). */
async function edges(page: Page): Promise<Record<string, { value?: unknown; grad?: unknown }>> {
  return page.evaluate(() => {
    const out: Record<string, { value?: unknown; grad?: unknown }> = {};
    for (const el of document.querySelectorAll('[data-edge]')) {
      const v = el.getAttribute('data-value');
      const g = el.getAttribute('data-grad');
      out[el.getAttribute('data-edge') ?? ''] = { value: v === null ? undefined : JSON.parse(v), grad: g === null ? undefined : JSON.parse(g) };
    }
    return out;
  });
}

async function nodeAttr(page: Page, label: string, name: string): Promise<unknown> {
  const v = await page.locator(`[data-node="${label}"]`).getAttribute(name);
  return v === null ? undefined : JSON.parse(v);
}

function close(actual: unknown, expected: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what}: ${JSON.stringify(actual)} is not a number`);
  assert.ok(Math.abs((actual as number) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
}

function commands(posted: WebviewToHost[]): string[] {
  return posted.flatMap((m) => (m.type === 'change' && m.change.kind === 'command' ? [m.change.command] : []));
}

/** The changes of one kind the panel asked for (every change takes the one `change` message). */
function changes<K extends PanelChange['kind']>(posted: WebviewToHost[], kind: K): Extract<PanelChange, { kind: K }>[] {
  return posted.flatMap((m) => (m.type === 'change' && m.change.kind === kind ? [m.change as Extract<PanelChange, { kind: K }>] : []));
}

async function noProblems(p: PanelPage): Promise<void> {
  assert.deepEqual(await p.violations(), [], 'CSP violations');
  assert.deepEqual(p.problems, [], 'console errors / page errors / failed requests');
}

/** Opens a panel with `opts`, runs `use` on it, then checks it met no problem; closes it whatever happens. */
async function withPanel(opts: OpenOptions, use: (p: PanelPage) => Promise<void>): Promise<void> {
  const p = await open(opts);
  try {
    await use(p);
    await noProblems(p);
  } finally {
    await p.close();
  }
}

const BOOK_EDGES = [
  'apple->apple_price:0',
  'apple_num->apple_price:1',
  'orange->orange_price:0',
  'orange_num->orange_price:1',
  'apple_price->all_price:0',
  'orange_price->all_price:1',
  'all_price->price:0',
  'tax->price:1',
];

describe('panel on buy-apple-orange (fig. 5-17)', () => {
  test('forward pass with the toolbar, backward pass with the keyboard: every edge as in the book', async () => {
    await withPanel({}, async (p) => {
      const { page } = p;
      const root = page.locator('#backprop-root');
      assert.equal(await root.getAttribute('data-total'), '8');
      assert.equal(await root.getAttribute('data-cursor'), '0');
      assert.equal(await root.getAttribute('data-phase'), 'forward');
      assert.deepEqual(Object.keys(await edges(page)).sort(), [...BOOK_EDGES].sort());
      assert.equal(await nodeAttr(page, 'apple', 'data-value'), 100);
      assert.equal(await nodeAttr(page, 'price', 'data-value'), undefined, 'no value before the forward pass');
      assert.equal(await page.locator('#position').textContent(), 'forward 0/4 · backward 0/4');

      const stepForward = page.getByRole('button', { name: 'Step Forward', exact: true });
      // Tooltips name the key VS Code binds to the same command (package.json's keybindings).
      const tooltips: Record<string, string> = {};
      for (const b of await page.locator('vscode-toolbar-button[data-command]').all()) {
        tooltips[(await b.getAttribute('data-command')) ?? ''] = (await b.getAttribute('title')) ?? '';
      }
      assert.equal(tooltips.stepForward, 'Step Forward (Alt+.)');
      assert.equal(tooltips.previousStep, 'Previous Step (Alt+,)');
      assert.equal(tooltips.stepBackward, 'Step Backward (Alt+/)');
      assert.equal(tooltips.runBackward, 'Run Backward Pass (Alt+End)');
      assert.equal(tooltips.reset, 'Reset (Alt+Home)');
      assert.equal(tooltips.runForward, 'Run Forward Pass', 'no key, no parentheses');
      for (let i = 1; i <= 4; i++) {
        await stepForward.click();
        await waitCursor(page, i);
      }
      let e = await edges(page);
      assert.equal(e['apple->apple_price:0'].value, 100);
      assert.equal(e['apple_num->apple_price:1'].value, 2);
      assert.equal(e['apple_price->all_price:0'].value, 200);
      assert.equal(e['orange_price->all_price:1'].value, 450);
      assert.equal(e['all_price->price:0'].value, 650);
      assert.equal(e['tax->price:1'].value, 1.1);
      close(await nodeAttr(page, 'price', 'data-value'), 715, 'price');
      assert.equal(await page.locator('[data-output-label="price"] .edge-value').textContent(), '715', 'printed like the book');
      assert.equal(await page.locator('#position').textContent(), 'forward 4/4 · backward 0/4');
      assert.equal(await page.locator('#step-caption').textContent(), 'Forward 4/4: price = all_price × tax');
      assert.ok(Object.values(e).every((x) => x.grad === undefined), 'no gradient during the forward pass');

      // Backward with Shift+→ (focus in the panel, not in a form control).
      await page.locator('svg.graph').focus();
      for (let i = 5; i <= 8; i++) {
        await page.keyboard.press('Shift+ArrowRight');
        await waitCursor(page, i);
      }
      assert.equal(await root.getAttribute('data-phase'), 'done');
      e = await edges(page);
      close(e['apple->apple_price:0'].grad, 2.2, '∂apple');
      close(e['apple_num->apple_price:1'].grad, 110, '∂apple_num');
      close(e['orange->orange_price:0'].grad, 3.3, '∂orange');
      close(e['orange_num->orange_price:1'].grad, 165, '∂orange_num');
      close(e['apple_price->all_price:0'].grad, 1.1, '∂apple_price');
      close(e['orange_price->all_price:1'].grad, 1.1, '∂orange_price');
      close(e['all_price->price:0'].grad, 1.1, '∂all_price');
      close(e['tax->price:1'].grad, 650, '∂tax');
      close(await nodeAttr(page, 'tax', 'data-grad'), 650, 'tax node gradient');
      close(await nodeAttr(page, 'price', 'data-grad'), 1, 'dout of the output');
      assert.equal(await page.locator('[data-edge-label="apple_num->apple_price:1"] .edge-grad').textContent(), '∂110', 'printed like the book');
      assert.equal(await page.locator('#position').textContent(), 'forward 4/4 · backward 4/4');
      assert.equal(await page.locator('#step-caption').textContent(), 'Backward 4/4: apple_price (×) → apple, apple_num · every gradient is computed');

      // The node of the last step is marked, and only that one.
      const current = await page.locator('[data-current="true"]').evaluateAll((els) => els.map((x) => x.getAttribute('data-node')));
      const sessionCurrent = p.host.session.currentNode();
      assert.deepEqual(current, [sessionCurrent === null ? '' : p.host.session.node(sessionCurrent)?.label]);

      assert.deepEqual(commands(await p.posted()), ['stepForward', 'stepForward', 'stepForward', 'stepForward', 'stepBackward', 'stepBackward', 'stepBackward', 'stepBackward']);

      // ← is Previous Step: the host sends null for the gradients of the last step, and they go away.
      const withGrad = Object.values(e).filter((x) => x.grad !== undefined).length;
      await page.keyboard.press('ArrowLeft');
      await waitCursor(page, 7);
      const last = p.host.sent[p.host.sent.length - 1];
      assert.ok(last.type === 'update' && last.edges.some((d) => d.grad === null), 'update carries null gradients');
      const after7 = await edges(page);
      assert.equal(Object.values(after7).filter((x) => x.grad !== undefined).length, withGrad - 2);
      for (const d of last.type === 'update' ? last.edges : []) {
        const label = `${p.host.session.node(p.host.session.node(d.to)?.inputs[d.index] ?? -1)?.label}->${p.host.session.node(d.to)?.label}:${d.index}`;
        assert.equal(after7[label].grad, undefined, `${label} lost its gradient`);
      }
      assert.equal(commands(await p.posted()).at(-1), 'previousStep');

      // End runs everything (goTo total), Home resets.
      await page.keyboard.press('End');
      await waitCursor(page, 8);
      await page.keyboard.press('Home');
      await waitCursor(page, 0);
      const posted = await p.posted();
      assert.deepEqual(changes(posted, 'goTo').at(-1), { kind: 'goTo', step: 8 });
      assert.equal(commands(posted).at(-1), 'reset');
      assert.ok(Object.values(await edges(page)).every((x) => x.grad === undefined), 'reset clears every gradient');

      // The timeline slider: keys on the slider move it and post goTo.
      const slider = page.getByRole('slider', { name: 'Timeline: step' });
      await slider.focus();
      await page.keyboard.press('End');
      await waitCursor(page, 8);
      await page.keyboard.press('ArrowLeft');
      await waitCursor(page, 7);
      const gotos = changes(await p.posted(), 'goTo');
      assert.deepEqual(gotos.slice(-2), [
        { kind: 'goTo', step: 8 },
        { kind: 'goTo', step: 7 },
      ]);
      assert.equal(await slider.inputValue(), '7');

      // Buttons post their commands; disabled ones do nothing.
      await page.getByRole('button', { name: 'Reset' }).click();
      await waitCursor(page, 0);
      assert.equal(await page.locator('vscode-toolbar-button[data-command="previousStep"]').getAttribute('aria-disabled'), 'true');
      await page.getByRole('button', { name: 'Run Forward Pass' }).click();
      await waitCursor(page, 4);
      await page.getByRole('button', { name: 'Run Backward Pass' }).click();
      await waitCursor(page, 8);
      await page.getByRole('button', { name: 'Previous Step' }).click();
      await waitCursor(page, 7);
      assert.deepEqual(commands(await p.posted()).slice(-4), ['reset', 'runForward', 'runBackward', 'previousStep']);
    });
  });

  test('clicking a node shows its value, gradients and local rule; double-click reveals its line', async () => {
    await withPanel({}, async (p) => {
      const { page } = p;
      await p.host.goTo(8);
      await waitCursor(page, 8);
      await page.locator('[data-node="apple_price"]').click();
      assert.equal(await page.locator('[data-node="apple_price"]').getAttribute('aria-selected'), 'true');
      assert.equal(await page.locator('[aria-selected="true"][data-node]').count(), 1);
      const id = p.host.session.nodeByLabel('apple_price')?.id;
      assert.deepEqual(changes(await p.posted(), 'select').at(-1), { kind: 'select', node: id, reveal: false });

      const detail = page.locator('#detail');
      const rule = p.host.session.graphInfo()?.nodes.find((n) => n.id === id)?.rule.en ?? '';
      assert.ok(rule.length > 0);
      await assert.doesNotReject(detail.getByText(rule).waitFor({ timeout: 2000 }));
      assert.match((await detail.locator('.formula').textContent()) ?? '', /∂L\/∂x/);
      assert.equal(await detail.locator('.value .scalar').textContent(), '200');
      assert.equal(await detail.locator('.grad .scalar').textContent(), '∂ 1.1', 'dout');
      const outs = await detail.locator('.out-grad .scalar').allTextContents();
      assert.deepEqual(outs, ['∂ 2.2', '∂ 110']);

      await page.locator('[data-node="apple_price"]').dblclick();
      assert.deepEqual(changes(await p.posted(), 'select').at(-1), { kind: 'select', node: id, reveal: true });

      // The selection follows steps: stepping back clears the outgoing gradients in the pane.
      await p.host.goTo(7);
      await waitCursor(page, 7);
      assert.deepEqual(await detail.locator('.out-grad .muted').allTextContents(), ['not computed yet', 'not computed yet']);

      // Persisted for a reload.
      const state = await page.evaluate(() => (window as unknown as { __state: Record<string, unknown> }).__state);
      assert.equal(state.uri, p.host.session.uri);
      assert.equal(state.cursor, 7);
      assert.equal(state.expanded, false);
      assert.equal(state.selected, id);

      // The host can select too (from the sidebar), without an echo back.
      const before = (await p.posted()).length;
      const taxId = p.host.session.nodeByLabel('tax')?.id ?? -1;
      p.host.post({ type: 'select', node: taxId });
      await p.host.flushed();
      assert.equal(await page.locator('[data-node="tax"]').getAttribute('aria-selected'), 'true');
      assert.equal((await p.posted()).length, before);
    });
  });

  test('pan by dragging and wheel, zoom with ctrl+wheel and buttons, the view kept across steps', async () => {
    await withPanel({}, async (p) => {
      const { page } = p;
      const transform = () => page.locator('g.viewport').getAttribute('transform');
      const parse = async () => {
        const m = /translate\(([-\d.]+) ([-\d.]+)\) scale\(([-\d.]+)\)/.exec((await transform()) ?? '');
        assert.ok(m, 'viewport transform');
        return { x: Number(m[1]), y: Number(m[2]), k: Number(m[3]) };
      };
      const start = await parse();
      const box = await page.locator('svg.graph').boundingBox();
      assert.ok(box);
      // Drag on empty canvas.
      await page.mouse.move(box.x + 20, box.y + box.height - 20);
      await page.mouse.down();
      await page.mouse.move(box.x + 80, box.y + box.height - 60, { steps: 5 });
      await page.mouse.up();
      const dragged = await parse();
      assert.ok(Math.abs(dragged.x - start.x - 60) < 1 && Math.abs(dragged.y - start.y + 40) < 1, `drag moved the view: ${JSON.stringify(dragged)}`);
      // Wheel pans, ctrl+wheel zooms around the pointer.
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, 50);
      const wheeled = await parse();
      assert.ok(Math.abs(wheeled.y - (dragged.y - 50)) < 1, 'wheel pans');
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -100);
      await page.keyboard.up('Control');
      const zoomed = await parse();
      assert.ok(zoomed.k > wheeled.k, 'ctrl+wheel zooms in');
      await page.getByRole('button', { name: 'Zoom Out' }).click();
      const out = await parse();
      assert.ok(out.k < zoomed.k, 'zoom out button');
      // Steps keep the view.
      await p.host.goTo(5);
      await waitCursor(page, 5);
      assert.deepEqual(await parse(), out);
      // F fits the whole graph (even below the legible scale the panel keeps by itself).
      await page.locator('svg.graph').focus();
      await page.keyboard.press('f');
      const fitted = await parse();
      assert.ok(fitted.k <= 1 && fitted.k > 0.5, `fit scale ${fitted.k}`);
      assert.ok(start.k >= 1, 'the first view never shrinks text below 12 px');
      const inView = await page.evaluate(() => {
        const vp = document.querySelector('svg.graph')?.getBoundingClientRect();
        return [...document.querySelectorAll('[data-node]')].every((n) => {
          const r = n.getBoundingClientRect();
          return vp !== undefined && r.left >= vp.left && r.right <= vp.right && r.top >= vp.top && r.bottom <= vp.bottom;
        });
      });
      assert.ok(inView, 'every node in view after F');
    });
  });

  test('a reload restores the selection and the view', async () => {
    const first = await open();
    const id = first.host.session.nodeByLabel('all_price')?.id ?? -1;
    let saved: unknown;
    try {
      await first.host.goTo(6);
      await first.page.locator('[data-node="all_price"]').click();
      await first.page.getByRole('button', { name: 'Zoom In' }).click();
      saved = await first.page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    } finally {
      await first.close();
    }
    const second = await open({ savedState: saved });
    try {
      assert.equal(await second.page.locator('[data-node="all_price"]').getAttribute('aria-selected'), 'true');
      const view = (saved as { view: { k: number } }).view;
      const transform = await second.page.locator('g.viewport').getAttribute('transform');
      assert.ok(transform?.includes(`scale(${Math.round(view.k * 1000) / 1000})`), `${transform} keeps zoom ${view.k}`);
      assert.equal((await second.posted())[0].type, 'ready');
      await noProblems(second);
    } finally {
      await second.close();
    }
    assert.ok(id >= 0);
  });
});

describe('panel themes and languages', () => {
  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    test(`${theme} theme at the end of the backward pass: screenshot, icons loaded, no CSP violation`, async () => {
      await withPanel({ theme }, async (p) => {
        const { page } = p;
        await p.host.goTo(8);
        await waitCursor(page, 8);
        await page.locator('[data-node="orange_price"]').click();
        await page.keyboard.press('f');
        await page.evaluate(() => document.fonts.ready);
        const codicon = await page.evaluate(() => [...document.fonts].filter((f) => f.family.includes('codicon')).map((f) => f.status));
        assert.ok(codicon.includes('loaded'), `codicon font: ${codicon.join(',')}`);
        // lit styles the toolbar buttons through adoptedStyleSheets under the strict CSP.
        const adopted = await page.locator('vscode-toolbar-button').first().evaluate((el) => el.shadowRoot?.adoptedStyleSheets.length ?? 0);
        assert.ok(adopted > 0, 'shadow styles adopted');
        await page.screenshot({ animations: 'disabled', path: join(ARTIFACTS, `buy-apple-orange-${theme}.png`) });
      });
    });
  }

  test('Korean UI: labels, accessible names and the rule in Korean', async () => {
    await withPanel({ locale: 'ko', theme: 'light' }, async (p) => {
      const { page } = p;
      assert.equal(await page.locator('#position').textContent(), '순전파 0/4 · 역전파 0/4');
      await page.getByRole('button', { name: '순전파 끝까지' }).click();
      await waitCursor(page, 4);
      await page.getByRole('button', { name: '역전파 한 단계', exact: true }).click();
      await waitCursor(page, 5);
      assert.equal(await page.locator('#position').textContent(), '순전파 4/4 · 역전파 1/4');
      await page.locator('[data-node="price"]').click();
      const rule = p.host.session.graphInfo()?.nodes.find((n) => n.label === 'price')?.rule.ko ?? '';
      assert.ok(/[가-힣]/.test(rule));
      await assert.doesNotReject(page.locator('#detail').getByText(rule).waitFor({ timeout: 2000 }));
      await page.screenshot({ animations: 'disabled', path: join(ARTIFACTS, 'buy-apple-orange-ko.png') });
    });
  });

  test('an error from the host shows with its line and column', async () => {
    await withPanel({}, async (p) => {
      p.host.post({ type: 'error', message: 'unknown name "appel"', line: 14, column: 15 });
      await p.host.flushed();
      const banner = p.page.getByRole('alert');
      assert.equal(await banner.textContent().then((s) => s?.replace('×', '')), 'unknown name "appel" (line 14, column 15)');
      // The last good graph stays on screen.
      assert.equal(await p.page.locator('[data-node]').count(), 9);
    });
  });
});

describe('panel on layers and matrices', () => {
  test('Toggle Composite Layers on sigmoid: four nodes, same input gradient', async () => {
    await withPanel({ example: 'sigmoid.backprop' }, async (p) => {
      const { page } = p;
      const fused = await page.locator('[data-node]:not(.leaf)').count();
      await p.host.goTo(p.host.session.totalSteps);
      await page.waitForFunction(() => document.querySelector('[data-node="x"]')?.hasAttribute('data-grad'));
      const gradFused = await nodeAttr(page, 'x', 'data-grad');
      close(gradFused, 0.25, '∂x (fused)');
      await page.getByRole('switch', { name: 'Toggle Composite Layers' }).click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-node]:not(.leaf)').length > n, fused);
      assert.deepEqual(commands(await p.posted()).at(-1), 'toggleComposite');
      const ops = await page.locator('[data-node]:not(.leaf)').count();
      assert.equal(ops, 4, 'the book’s four nodes: ×−1, exp, +1, 1/x');
      await p.host.goTo(p.host.session.totalSteps);
      await page.waitForFunction(() => document.querySelector('[data-node="x"]')?.hasAttribute('data-grad'));
      close(await nodeAttr(page, 'x', 'data-grad'), gradFused as number, '∂x (expanded)');
      assert.equal(await page.locator('vscode-toolbar-button[data-command="toggleComposite"]').getAttribute('checked'), '');
      await page.screenshot({ animations: 'disabled', path: join(ARTIFACTS, 'sigmoid-expanded-light.png') });
    });
  });

  test('batched Affine: shape chips on edges, tables with a colour scale in the detail pane', async () => {
    await withPanel({ example: 'affine-batch.backprop', theme: 'dark' }, async (p) => {
      const { page } = p;
      await p.host.goTo(p.host.session.totalSteps);
      await waitCursor(page, p.host.session.totalSteps);
      const e = await edges(page);
      assert.deepEqual(e['X->Y:0'].value, [
        [1, 2],
        [3, 4],
      ]);
      assert.deepEqual(e['X->Y:0'].grad, [
        [14, 32],
        [32, 77],
      ]);
      assert.deepEqual(e['b->Y:2'].grad, [5, 7, 9], 'bias gradient: dout summed over the batch');
      // A 2×3 tensor is written out on its arrow, row by row, as the book writes small matrices.
      assert.equal(await page.locator('[data-edge-label="W->Y:1"] .edge-value').textContent(), '[[1, 2, 3], [4, 5, 6]]');
      assert.equal(await page.locator('[data-edge-label="W->Y:1"] .edge-value tspan').count(), 2, 'one line per row');
      assert.equal(await page.locator('[data-edge-label="W->Y:1"] .chip').count(), 0, 'no shape badge');
      await page.locator('[data-node="Y"]').click();
      const detail = page.locator('#detail');
      assert.deepEqual(await detail.locator('.value table.tensor tr').first().locator('td').allTextContents(), ['10', '14', '18']);
      const bg = await detail.locator('.value table.tensor td').last().evaluate((td) => getComputedStyle(td).backgroundColor);
      assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'cells are coloured by value');
      await page.screenshot({ animations: 'disabled', path: join(ARTIFACTS, 'affine-batch-dark.png') });
    });
  });

  test('clicking an element of ∂L/∂W writes its dot product out (row of Xᵀ times column of dout)', async () => {
    await withPanel({ example: 'affine-batch.backprop' }, async (p) => {
      const { page } = p;
      await p.host.goTo(p.host.session.totalSteps);
      await waitCursor(page, p.host.session.totalSteps);
      assert.equal(await page.locator('#detail').getAttribute('data-detail-node'), 'Y');
      const grad = (await edges(page))['W->Y:1'].grad as number[][];
      await page.locator('#detail .out-grad[data-input="1"] table.tensor tr').nth(1).locator('td').nth(2).click();
      const line = page.locator('#detail .out-grad[data-input="1"] .element-arith');
      await line.waitFor({ timeout: 5000 });
      const text = (await line.textContent()) ?? '';
      assert.match(text, /^∂L\/∂W\[1\]\[2\] = X\[0\]\[1\]·∂L\/∂Y\[0\]\[2\] \+ X\[1\]\[1\]·∂L\/∂Y\[1\]\[2\] = 2 × \S+ \+ 4 × \S+ = (\S+)$/);
      assert.equal(Number(/= (\S+)$/.exec(text)?.[1]), grad[1][2], 'the sum is the gradient shown');
    });
  });

  test('large tensors are summarised with a "show all" toggle', async () => {
    const source = 'seed 3\nX = randn(12, 10)\nY = relu(X)\nL = sum(Y)\n';
    await withPanel({ source, example: 'big.backprop' }, async (p) => {
      const { page } = p;
      await p.host.goTo(p.host.session.totalSteps);
      await waitCursor(page, p.host.session.totalSteps);
      // Too big to write out: a shape badge on the arrow, the table in the detail pane.
      assert.equal(await page.locator('[data-edge-label="X->Y:0"] .chip').count(), 1);
      assert.equal(await page.locator('[data-edge-label="X->Y:0"] .edge-value').textContent(), '12×10');
      await page.locator('[data-node="Y"]').click();
      const table = page.locator('#detail .value table.tensor');
      assert.equal(await table.locator('tr').count(), 7, '6 rows and a ⋮ row');
      assert.equal(await table.locator('tr').first().locator('td').count(), 7, '6 columns and …');
      await page.locator('#detail .value').getByRole('button', { name: 'Show all values' }).click();
      assert.equal(await page.locator('#detail .value table.tensor tr').count(), 12);
      assert.equal(await page.locator('#detail .value table.tensor tr').first().locator('td').count(), 10);
      // "Show all" survives a step.
      await p.host.goTo(p.host.session.totalSteps - 1);
      await waitCursor(page, p.host.session.totalSteps - 1);
      assert.equal(await page.locator('#detail .value table.tensor tr').count(), 12);
    });
  });

  test('a loaded 784×50 weight: its origin in the detail pane; "show all" draws at most 3,000 cells', async () => {
    const W = new Tensor([784, 50], Float64Array.from({ length: 784 * 50 }, (_, i) => Math.sin(i)));
    const source = 'W = load("w.npz", "W1")\ny = sum(relu(W))\n';
    await withPanel({ source, example: 'loaded.backprop', files: { 'w.npz': writeNpz({ W1: W }) } }, async (p) => {
      const { page } = p;
      await page.locator('[data-node="W"]').click();
      assert.equal(await page.locator('#detail .detail-meta .origin').textContent(), 'loaded from w.npz › W1');
      const table = page.locator('#detail .value table.tensor');
      assert.equal(await table.locator('tr').count(), 7, 'summarised: 6 rows and a ⋮ row');
      await page.locator('#detail .value').getByRole('button', { name: 'Show all values' }).click();
      assert.equal(await page.locator('#detail .value table.tensor tr').count(), 61, '60 rows of 50 and a ⋮ row');
      assert.equal(await page.locator('#detail .value table.tensor tr').first().locator('td').count(), 50);
      assert.equal(await page.locator('#detail .value .rows-shown').textContent(), 'showing 60 of 784 rows');
    });
  });

  test('odd graphs draw without errors: a lone input, an input used twice by one node', async () => {
    const lone = await open({ source: 'x = 3\n', example: 'lone.backprop' });
    try {
      assert.equal(await lone.page.locator('#backprop-root').getAttribute('data-total'), '0');
      assert.equal(await nodeAttr(lone.page, 'x', 'data-value'), 3);
      assert.equal(await lone.page.getByRole('slider').isDisabled(), true);
      await noProblems(lone);
    } finally {
      await lone.close();
    }
    const square = await open({ source: 'x = 3\ny = x * x\n', example: 'square.backprop' });
    try {
      await square.host.goTo(2);
      await waitCursor(square.page, 2);
      const e = await edges(square.page);
      assert.deepEqual(Object.keys(e).sort(), ['x->y:0', 'x->y:1']);
      assert.equal(e['x->y:0'].grad, 3);
      assert.equal(e['x->y:1'].grad, 3);
      assert.equal(await nodeAttr(square.page, 'x', 'data-grad'), 6, 'both uses add up at the input');
      await noProblems(square);
    } finally {
      await square.close();
    }
  });

  test('the node where a NaN/±Infinity first appears is marked, with the warning in its tooltip', async () => {
    await withPanel({ source: 'p = 0\nq = log(p)\nr = q * 2\n', example: 'log0.backprop' }, async (p) => {
      const q = p.page.locator('[data-node="q"]');
      assert.match((await q.getAttribute('class')) ?? '', /\bnon-finite\b/);
      assert.equal(await q.locator('title').textContent(), "q — log\n⚠ 'q' is -Infinity: log of 0 (log(0) = -Infinity)");
      for (const other of ['p', 'r']) assert.doesNotMatch((await p.page.locator(`[data-node="${other}"]`).getAttribute('class')) ?? '', /non-finite/, other);
    });
  });

  test('a generated graph of 2,000 nodes: layout once, steps update only what changed', async (t) => {
    const lines = ['x0 = 1'];
    for (let i = 1; i < 1000; i++) lines.push(`x${i} = x${i - 1} * 1.001`);
    await withPanel({ source: lines.join('\n'), example: 'chain-2000.backprop', width: 1200, height: 700 }, async (p) => {
      const { page } = p;
      const nodes = await page.locator('[data-node]').count();
      const graph = p.host.session.graphInfo();
      assert.ok(graph);
      // Each literal 1.001 is written beside its ×, not drawn as a node of its own.
      assert.equal(nodes, graph.nodes.length - foldedConstants(graph).size);
      assert.ok(nodes >= 1000, `${nodes} nodes`);
      // Time from posting an update to the DOM showing it (reported, not asserted).
      const total = p.host.session.totalSteps;
      const forward = p.host.session.forwardSteps;
      const times: number[] = [];
      // Single steps in both phases (the jumps in between are not timed).
      for (const start of [0, Math.floor(forward / 2), forward, total - 10]) {
        await p.host.goTo(start);
        await waitCursor(page, start, 30000);
        for (let step = start + 1; step <= start + 5; step++) {
          const t0 = performance.now();
          await p.host.goTo(step);
          await waitCursor(page, step, 30000);
          times.push(performance.now() - t0);
        }
      }
      const inPage = await page.evaluate(() => ({
        graph: performance.getEntriesByName('backprop:graph').at(-1)?.duration ?? -1,
        updates: performance.getEntriesByName('backprop:update').map((e) => e.duration),
      }));
      t.diagnostic(
        `2,000-node chain: graph message → drawn ${inPage.graph.toFixed(0)} ms (dagre layout included); ` +
          `one step → DOM updated, in page: median ${median(inPage.updates).toFixed(1)} ms; ` +
          `with the test's host round trip: median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
      );
      const cur = await page.locator('[data-current="true"]').count();
      assert.equal(cur, 1);
    });
  });
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
