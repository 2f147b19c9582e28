/**
 * The stepping experience in a real VS Code (issue 4's "must show"), as a user would: every edge of
 * buy-apple-orange against the book in the webview, the sidebar and the editor's inline hints; the
 * timeline slider and Previous Step moving back and forth; a window reload restoring the panel at
 * its step; Toggle Composite Layers on sigmoid; editing a leaf's number in the editor.
 *
 *   npm run package && node --import tsx --test test/vscode/ui/experience.test.ts
 */
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import {
  asScalar,
  close,
  nodeData,
  openStepper,
  quickOpen,
  rootState,
  runFromPalette,
  screenshot,
  showBackpropSidebar,
  stepperFrame,
  until,
  useWorkbench,
  viewRows,
  waitCursor,
} from './workbench';

/** Figure 5-17: every edge FROM->TO:ARG with its forward value and its gradient. */
const BOOK_EDGES: Record<string, { value: number; grad: number }> = {
  'apple->apple_price:0': { value: 100, grad: 2.2 },
  'apple_num->apple_price:1': { value: 2, grad: 110 },
  'orange->orange_price:0': { value: 150, grad: 3.3 },
  'orange_num->orange_price:1': { value: 3, grad: 165 },
  'apple_price->all_price:0': { value: 200, grad: 1.1 },
  'orange_price->all_price:1': { value: 450, grad: 1.1 },
  'all_price->price:0': { value: 650, grad: 1.1 },
  'tax->price:1': { value: 1.1, grad: 650 },
};

/** Each node's value and gradient at the end of the backward pass. */
const BOOK_NODES: Record<string, { value: number; grad: number }> = {
  apple: { value: 100, grad: 2.2 },
  apple_num: { value: 2, grad: 110 },
  orange: { value: 150, grad: 3.3 },
  orange_num: { value: 3, grad: 165 },
  tax: { value: 1.1, grad: 650 },
  apple_price: { value: 200, grad: 1.1 },
  orange_price: { value: 450, grad: 1.1 },
  all_price: { value: 650, grad: 1.1 },
  price: { value: 715, grad: 1 },
};

/** Lines of the visible text editors (the webview's document is in iframes, so not included). */
const EDITOR_LINES = '.editor-instance .monaco-editor .view-lines .view-line';

async function edgeData(frame: Frame, edge: string, attr: 'data-value' | 'data-grad'): Promise<unknown> {
  const raw = await frame.locator(`[data-edge="${edge}"]`).first().getAttribute(attr, { timeout: 5_000 });
  return raw === null ? undefined : (JSON.parse(raw) as unknown);
}

/** A number as the UI prints it (up to 6 significant digits), as a regexp that stands alone. */
function shown(x: number): RegExp {
  const text = String(Number(x.toPrecision(6)));
  return new RegExp(`(^|[^\\d.])${text.replace('.', '\\.')}($|[^\\d.])`);
}

/** The rendered text of the editor line that starts with `prefix` (inlay hints included). */
async function editorLine(page: Page, prefix: string): Promise<string> {
  const lines = await page.locator(EDITOR_LINES).allTextContents();
  const normal = lines.map((l) => l.replace(/\u00a0/g, ' '));
  return normal.find((l) => l.startsWith(prefix)) ?? '';
}

async function typeIntoEditor(page: Page, lineText: string, from: string, to: string): Promise<void> {
  const lineLocator = page.locator(EDITOR_LINES);
  try {
    await until(`the editor to show a line "${lineText}"`, async () =>
      (await lineLocator.allTextContents()).some((l) => l.replace(/\u00a0/g, ' ').startsWith(lineText)),
    );
  } catch (error) {
    await screenshot(page, 'failure-editor-line');
    throw new Error(`${String(error)}; lines: ${JSON.stringify(await lineLocator.allTextContents())}`, { cause: error });
  }
  // Click the line, go to its end (before any inlay hint) and select the number backwards.
  await lineLocator.filter({ hasText: lineText }).first().click();
  await page.keyboard.press('End');
  for (let i = 0; i < from.length; i++) await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.type(to, { delay: 20 });
}

describe('the stepping experience on buy-apple-orange', { timeout: 400_000 }, () => {
  const wb = useWorkbench({ theme: 'Default Dark Modern' });
  let frame: Frame;

  before(async () => {
    frame = await openStepper(wb().page, 'buy-apple-orange.backprop');
  });

  it('after the backward pass every edge shows the book’s value and gradient', async () => {
    await runFromPalette(wb().page, 'Backprop: Run Backward Pass');
    const { total } = await rootState(frame);
    await waitCursor(frame, total);
    for (const [edge, book] of Object.entries(BOOK_EDGES)) {
      const value = asScalar(await edgeData(frame, edge, 'data-value'));
      const grad = asScalar(await edgeData(frame, edge, 'data-grad'));
      assert.ok(close(value, book.value), `${edge} value: expected ${book.value}, got ${value}`);
      assert.ok(close(grad, book.grad), `${edge} gradient: expected ${book.grad}, got ${grad}`);
    }
    for (const [label, book] of Object.entries(BOOK_NODES)) {
      assert.ok(close(asScalar(await nodeData(frame, label, 'data-value')), book.value), `${label} value`);
      assert.ok(close(asScalar(await nodeData(frame, label, 'data-grad')), book.grad), `${label} gradient`);
    }
  });

  it('the sidebar’s Nodes rows and the editor’s inline hints show the same numbers', async () => {
    const { page } = wb();
    await showBackpropSidebar(page);
    const rows = await until('every node in the Nodes view with its gradient', async () => {
      const r = await viewRows(page, 'Nodes');
      return Object.keys(BOOK_NODES).every((label) => r.some((row) => row.label === label && /∂/.test(row.description))) ? r : undefined;
    });
    for (const [label, book] of Object.entries(BOOK_NODES)) {
      const row = rows.find((r) => r.label === label);
      assert.ok(row, `${label} row`);
      const [valuePart = '', gradPart = ''] = row.description.split('∂');
      assert.match(valuePart, shown(book.value), `${label} row value: "${row.description}"`);
      assert.match(gradPart, shown(book.grad), `${label} row gradient: "${row.description}"`);
    }
    for (const [label, book] of Object.entries(BOOK_NODES)) {
      const line = await until(`the inline hint on the line of ${label}`, async () => {
        const l = await editorLine(page, `${label} =`);
        return /∂/.test(l) ? l : undefined;
      });
      const hint = line.slice(line.indexOf('=') + 1);
      assert.match(hint.split('∂')[1] ?? '', shown(book.grad), `inline gradient of ${label}: "${line}"`);
    }
    await screenshot(page, 'ux-01-sidebar-and-hints');
  });

  it('the timeline slider and Previous Step move back and forth', async () => {
    const { total } = await rootState(frame);
    const slider = frame.locator('#timeline');
    await slider.fill('2');
    await waitCursor(frame, 2);
    assert.equal(await frame.locator('[data-node][data-grad]').count(), 0, 'no gradients at step 2');
    assert.equal(await nodeData(frame, 'price', 'data-value'), undefined, 'price not yet computed at step 2');
    await slider.fill(String(total));
    await waitCursor(frame, total);
    assert.ok(close(asScalar(await nodeData(frame, 'tax', 'data-grad')), 650));
    await runFromPalette(wb().page, 'Backprop: Previous Step');
    await waitCursor(frame, total - 1);
    await runFromPalette(wb().page, 'Backprop: Next Step');
    await waitCursor(frame, total);
    assert.ok(close(asScalar(await nodeData(frame, 'apple', 'data-grad')), 2.2));
  });

  it('a window reload restores the panel at the same step', async () => {
    const { page } = wb();
    await runFromPalette(page, 'Backprop: Previous Step');
    const before = await rootState(frame);
    // The old workbench is still on the page for a moment after the command: wait for the reload.
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 30_000 });
    await runFromPalette(page, 'Developer: Reload Window').catch(() => undefined);
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    frame = await stepperFrame(page);
    const after = await until('the restored panel at its step', async () => {
      const s = await rootState(frame);
      return s.cursor === before.cursor ? s : undefined;
    }, 30_000);
    assert.equal(after.total, before.total);
    assert.ok(close(asScalar(await nodeData(frame, 'tax', 'data-grad')), 650));
    await screenshot(page, 'ux-02-after-reload');
  });

  it('editing a leaf’s number in the editor updates the panel without losing the step', async () => {
    const { page } = wb();
    await quickOpen(page, 'buy-apple-orange.backprop');
    const before = await rootState(frame);
    await typeIntoEditor(page, 'apple = 100', '100', '200');
    // price = (200·2 + 150·3)·1.1 = 935
    await until('the panel to show the new price', async () => {
      const v = await nodeData(frame, 'price', 'data-value');
      return v !== undefined && close(asScalar(v), 935);
    });
    const after = await rootState(frame);
    assert.equal(after.cursor, before.cursor, 'the step is kept');
    assert.equal(asScalar(await nodeData(frame, 'apple', 'data-value')), 200);
    await screenshot(page, 'ux-03-edited-leaf');
  });
});

describe('Toggle Composite Layers on sigmoid', { timeout: 300_000 }, () => {
  const wb = useWorkbench({ theme: 'Default Light Modern' });

  it('shows the book’s four nodes and the same input gradient', async () => {
    const { page } = wb();
    let frame = await openStepper(page, 'sigmoid.backprop');
    await runFromPalette(page, 'Backprop: Run Backward Pass');
    let s = await rootState(frame);
    await waitCursor(frame, s.total);
    const fusedNodes = await frame.locator('[data-node]').count();
    assert.ok(close(asScalar(await nodeData(frame, 'x', 'data-grad')), 0.25), 'dy/dx = 0.25');

    await runFromPalette(page, 'Backprop: Toggle Composite Layers');
    frame = await stepperFrame(page);
    const expandedNodes = await until('the four-node sigmoid', async () => {
      const n = await frame.locator('[data-node]').count();
      return n >= fusedNodes + 3 ? n : undefined;
    });
    assert.ok(expandedNodes >= fusedNodes + 3, `nodes: fused ${fusedNodes}, expanded ${expandedNodes}`);
    // The expanded graph keeps the position (the end); Run Backward Pass is only offered before it.
    s = await rootState(frame);
    if (s.cursor < s.total) await runFromPalette(page, 'Backprop: Run Backward Pass');
    await waitCursor(frame, s.total);
    assert.ok(close(asScalar(await nodeData(frame, 'x', 'data-grad')), 0.25), 'dy/dx = 0.25, expanded');
    assert.ok(close(asScalar(await nodeData(frame, 'y', 'data-value')), 0.5), 'y = 0.5, expanded');
    await screenshot(page, 'ux-04-sigmoid-expanded');
  });
});
