/**
 * UI test in a real VS Code (code-server + headless chromium): "Backprop: Trace Python File" on the
 * buggy example from the command palette, stepping it from the palette, the script's numbers read
 * from the webview's data- attributes and the wrong layer marked in the graph and in Problems.
 *
 *   npm run package && node --import tsx --test test/vscode/ui/trace.test.ts
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { asScalar, close, nodeData, openStepper, rootState, runFromPalette, screenshot, until, useWorkbench, waitCursor } from './workbench';

describe('tracing buggy_buy_apple_orange.py from the command palette', { timeout: 300_000 }, () => {
  const wb = useWorkbench({ theme: 'Default Dark Modern' });
  let frame: Frame;

  it('"Backprop: Trace Python File" opens the stepper on the graph the script ran', async () => {
    const { page } = wb();
    frame = await openStepper(page, 'buggy_buy_apple_orange.py', 'Backprop: Trace Python File');
    const s = await rootState(frame);
    assert.equal(s.total, 8);
    assert.equal(asScalar(await nodeData(frame, 'apple', 'data-value')), 100);
  });

  it('marks mul_tax_layer (and the other multiply layers of the same buggy class), not the add layer', async () => {
    await until('mul_tax_layer marked', async () => (await frame.locator('[data-node="mul_tax_layer"].mismatch').count()) === 1);
    assert.equal(await frame.locator('[data-node="add_apple_orange_layer"].mismatch').count(), 0);
    await screenshot(wb().page, 'ui-trace-01-mismatch');
  });

  it("steps from the palette and shows the script's own (wrong) numbers", async () => {
    const { page } = wb();
    let s = await rootState(frame);
    while (s.phase === 'forward') {
      await runFromPalette(page, 'Backprop: Step Forward');
      s = await waitCursor(frame, s.cursor + 1);
    }
    assert.ok(close(asScalar(await nodeData(frame, 'mul_tax_layer', 'data-value')), 715), 'price = 715: the forward pass is right');
    await runFromPalette(page, 'Backprop: Step Backward');
    await waitCursor(frame, s.cursor + 1);
    // mul_tax_layer.backward returned dx = 650 (not 1.1) for all_price.
    assert.ok(close(asScalar(await nodeData(frame, 'add_apple_orange_layer', 'data-grad')), 650), 'the wrong 650 reaches all_price');
    assert.ok(close(asScalar(await nodeData(frame, 'tax', 'data-grad')), 1.1), 'and 1.1 reaches tax');
    await screenshot(page, 'ui-trace-02-stepped');
  });

  it('shows the mismatch in the Problems panel at the backward call', async () => {
    const { page } = wb();
    await page.keyboard.press('Control+Shift+M'); // View: Problems
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'mul_tax_layer.backward returned dx = 650' }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot(page, 'ui-trace-03-problems');
  });
});
