/**
 * UI tests in a real VS Code (code-server + headless chromium), as a user would: the packaged .vsix
 * installed into a fresh profile, everything done from the command palette by title, numbers read
 * from the webview's data- attributes, the sidebar's Nodes rows and the Problems panel.
 *
 *   npm run package && node --import tsx --test test/vscode/ui/stepper.test.ts
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
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
  screenshotPanel,
  showBackpropSidebar,
  until,
  useWorkbench,
  viewRows,
  waitCursor,
} from './workbench';

const STEP_LIMIT = 50;

async function gradCount(frame: Frame): Promise<number> {
  return frame.locator('[data-node][data-grad]').count();
}

/** The Nodes view row of a node, once its description satisfies `ok`. */
async function nodeRow(page: Page, label: string, ok: (description: string) => boolean): Promise<string> {
  return until(`the Nodes view row of ${label}`, async () => {
    const row = (await viewRows(page, 'Nodes')).find((r) => r.label === label);
    return row && ok(row.description) ? row.description : undefined;
  });
}

describe('buy-apple-orange from the command palette (dark theme)', { timeout: 300_000 }, () => {
  const wb = useWorkbench({ theme: 'Default Dark Modern' });
  let frame: Frame;

  it('opens the file with Quick Open and the stepper with "Backprop: Open Stepper"', async () => {
    const { page } = wb();
    frame = await openStepper(page, 'buy-apple-orange.backprop');
    const s = await rootState(frame);
    assert.equal(s.cursor, 0);
    assert.equal(s.phase, 'forward');
    assert.ok(s.total > 0, `data-total = ${s.total}`);
    assert.equal(asScalar(await nodeData(frame, 'apple', 'data-value')), 100);
    assert.equal(await nodeData(frame, 'price', 'data-value'), undefined, 'price not computed before the forward pass');
    await screenshot(page, 'ui-01-stepper-opened');
  });

  it('steps the whole forward pass from the palette: price = 715', async () => {
    const { page } = wb();
    let s = await rootState(frame);
    while (s.phase === 'forward') {
      assert.ok(s.cursor < STEP_LIMIT, 'the forward pass never ends');
      await runFromPalette(page, 'Backprop: Step Forward');
      s = await waitCursor(frame, s.cursor + 1);
    }
    assert.ok(close(asScalar(await nodeData(frame, 'price', 'data-value')), 715), 'price = 715');
    assert.equal(await gradCount(frame), 0, 'no gradient after the forward pass');
    await screenshot(page, 'ui-02-forward-done');
  });

  it('steps the whole backward pass from the palette: ∂price/∂tax = 650, in the webview and the sidebar', async () => {
    const { page } = wb();
    let s = await rootState(frame);
    while (s.phase !== 'done') {
      assert.ok(s.cursor < STEP_LIMIT, 'the backward pass never ends');
      await runFromPalette(page, 'Backprop: Step Backward');
      s = await waitCursor(frame, s.cursor + 1);
    }
    assert.equal(s.cursor, s.total);
    assert.ok(close(asScalar(await nodeData(frame, 'price', 'data-value')), 715), 'price = 715');
    const grads: Record<string, number> = { tax: 650, apple: 2.2, apple_num: 110, orange: 3.3, orange_num: 165 };
    for (const [label, g] of Object.entries(grads)) {
      const got = asScalar(await nodeData(frame, label, 'data-grad'));
      assert.ok(close(got, g), `∂price/∂${label}: expected ${g}, got ${got}`);
    }
    await screenshot(page, 'ui-03-backward-done-dark');
    await screenshotPanel(page, 'panel-dark');

    await showBackpropSidebar(page);
    const price = await nodeRow(page, 'price', (d) => /\b715\b/.test(d));
    const tax = await nodeRow(page, 'tax', (d) => /650/.test(d));
    assert.match(price, /715/);
    assert.match(tax, /1\.1.*650/, `tax row shows value 1.1 and gradient 650: "${tax}"`);
    await screenshot(page, 'ui-04-sidebar-nodes');
  });

  it('"Backprop: Previous Step" takes the last gradient away again', async () => {
    const { page } = wb();
    const end = await rootState(frame);
    const before = await gradCount(frame);
    await runFromPalette(page, 'Backprop: Previous Step');
    const s = await waitCursor(frame, end.cursor - 1);
    assert.equal(s.phase, 'backward');
    const afterCount = await until('a gradient to disappear', async () => {
      const n = await gradCount(frame);
      return n < before ? n : undefined;
    });
    assert.ok(afterCount < before);
    // The last backward step is the first multiply node: apple and apple_num (or orange and
    // orange_num) lose their gradients; tax keeps 650.
    const lost = [];
    for (const label of ['apple', 'apple_num', 'orange', 'orange_num']) {
      if ((await nodeData(frame, label, 'data-grad')) === undefined) lost.push(label);
    }
    assert.ok(lost.length >= 1, 'a leaf lost its gradient');
    assert.ok(close(asScalar(await nodeData(frame, 'tax', 'data-grad')), 650));
    await nodeRow(page, lost[0] ?? '', (d) => !/∂/.test(d));
    await screenshot(page, 'ui-05-previous-step');
  });

  it('a syntax error typed into the editor shows in the Problems panel with its line and column', async () => {
    const { page } = wb();
    const file = 'chain-rule.backprop';
    await quickOpen(page, file);
    const text = readFileSync(join(wb().workspace, file), 'utf8');
    const lines = text.split('\n');
    const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await editor.click();
    await page.keyboard.press('Control+End');
    // The typed line becomes the file's last line; its second `*` (column 11) is the error.
    let line = lines.length;
    if (!text.endsWith('\n')) {
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      line += 1;
    }
    await page.keyboard.type('bad = 1 * * 2', { delay: 20 });
    await page.keyboard.press('Control+Shift+M'); // View: Problems
    const marker = page.locator('.markers-panel .monaco-list-row').filter({ hasText: /found '\*'|unexpected|expected/ });
    await marker.first().waitFor({ timeout: 15_000 });
    const rowText = (await marker.first().textContent()) ?? '';
    assert.match(rowText, new RegExp(`Ln ${line}, Col 11`), `Problems row: ${rowText}`);
    await screenshot(page, 'ui-06-problems-panel');
  });
});

describe('the panel at the end of the backward pass (light theme)', { timeout: 300_000 }, () => {
  const wb = useWorkbench({ theme: 'Default Light Modern' });

  it('"Backprop: Run Backward Pass" reaches the book’s gradients', async () => {
    const { page } = wb();
    const frame = await openStepper(page, 'buy-apple-orange.backprop');
    await runFromPalette(page, 'Backprop: Run Forward Pass');
    await runFromPalette(page, 'Backprop: Run Backward Pass');
    const { total } = await rootState(frame);
    await waitCursor(frame, total);
    await screenshotPanel(page, 'panel-light');
    assert.ok(close(asScalar(await nodeData(frame, 'price', 'data-value')), 715));
    assert.ok(close(asScalar(await nodeData(frame, 'tax', 'data-grad')), 650));
    await showBackpropSidebar(page);
    await nodeRow(page, 'tax', (d) => /650/.test(d));
    await screenshot(page, 'ui-07-backward-done-light');
  });
});
