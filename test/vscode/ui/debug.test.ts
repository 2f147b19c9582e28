/**
 * The Backprop debugger in a real VS Code (code-server + headless chromium), as a user runs it:
 * the editor title's Debug Graph button on buy-apple-orange.backprop, the floating debug toolbar's
 * Step Over and Step Back, the Variables pane, and the stepper panel following along (its data-
 * attributes).
 *
 *   npm run package && node --import tsx --test test/vscode/ui/debug.test.ts
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { asScalar, close, nodeData, quickOpen, screenshot, stepperFrame, until, useWorkbench, waitCursor } from './workbench';

interface VariableRow {
  name: string;
  value: string;
}

/** The Variables pane's rows: name and value, read from each row's aria-label ("apple, value 100"). */
async function variableRows(page: Page): Promise<VariableRow[]> {
  const labels = await page.locator('.pane-body .monaco-list[aria-label="Debug Variables"] .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  return labels.flatMap((l) => {
    const m = /^(.*), value (.*)$/.exec(l);
    return m ? [{ name: m[1], value: m[2] }] : [];
  });
}

async function variable(page: Page, name: string, timeoutMs = 15_000): Promise<string> {
  return until(
    `the Variables pane to show ${name}`,
    async () => (await variableRows(page)).find((r) => r.name === name)?.value,
    timeoutMs,
  );
}

/** Shows the Run and Debug view container (Variables, Call Stack) from the activity bar. */
async function showRunAndDebug(page: Page): Promise<void> {
  const item = page.locator('.activitybar .action-item').filter({ has: page.locator('.action-label[aria-label^="Run and Debug"]') }).first();
  await item.waitFor({ timeout: 10_000 });
  const selected = await item.getAttribute('aria-selected');
  const expanded = await item.locator('.action-label').getAttribute('aria-expanded');
  if (selected !== 'true' && expanded !== 'true') await item.click();
  await page.locator('.pane-header', { hasText: /Variables/i }).first().waitFor({ timeout: 10_000 });
}

function toolbarButton(page: Page, label: string) {
  return page.locator(`.debug-toolbar .action-label[aria-label^="${label}"]`).first();
}

/** A frame of the Call Stack view whose name satisfies `ok` (read from the rows' aria-labels). */
async function callStackFrame(page: Page, ok: (name: string) => boolean): Promise<string> {
  return until('the Call Stack to show the stop', async () => {
    const labels = await page.locator('.pane-body .monaco-list[aria-label="Debug Call Stack"] .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
    return labels.map((l) => l.replace(/^Stack Frame /, '')).find(ok);
  });
}

describe('debugging buy-apple-orange from the UI', { timeout: 300_000 }, () => {
  const wb = useWorkbench({ theme: 'Default Dark Modern' });
  let frame: Frame;

  it('starts with the editor title button "Debug Graph" and stops on entry', async () => {
    const { page } = wb();
    await quickOpen(page, 'buy-apple-orange.backprop');
    const button = page.locator('.editor-actions .action-label[aria-label^="Debug Graph"]').first();
    await button.waitFor({ timeout: 20_000 });
    await button.click();
    await toolbarButton(page, 'Step Over').waitFor({ timeout: 30_000 });
    await showRunAndDebug(page);
    await callStackFrame(page, (n) => n.startsWith('forward · apple_price = apple * apple_num'));
    // Selecting the stopped frame, as a user does, shows its scopes; Values is opened if VS Code
    // has not expanded it already (it does so for the first scope, but not on every start).
    await page.locator('.pane-body .monaco-list[aria-label="Debug Call Stack"] .monaco-list-row').first().click();
    const values = page.locator('.pane-body .monaco-list[aria-label="Debug Variables"] .monaco-list-row[aria-label="Scope Values"]').first();
    await values.waitFor({ timeout: 30_000 });
    if ((await values.getAttribute('aria-expanded')) !== 'true') await values.locator('.monaco-tl-twistie').click();
    try {
      assert.equal(await variable(page, 'apple', 30_000), '100');
    } catch (error) {
      await screenshot(page, 'failure-debug-variables').catch(() => undefined);
      throw error;
    }
    assert.equal(await variable(page, 'tax'), '1.1');
    frame = await stepperFrame(page);
    await waitCursor(frame, 0);
    await screenshot(page, 'ui-debug-01-entry');
  });

  it("the toolbar's Step Over runs one node: the panel and the Variables pane follow", async () => {
    const { page } = wb();
    for (let i = 1; i <= 4; i++) {
      await toolbarButton(page, 'Step Over').click();
      await waitCursor(frame, i);
    }
    assert.ok(close(asScalar(await nodeData(frame, 'price', 'data-value')), 715), 'panel: price = 715');
    assert.equal(await variable(page, 'price'), '715');
    await callStackFrame(page, (n) => n.startsWith('backward · price = all_price * tax'));
    await toolbarButton(page, 'Step Over').click();
    await waitCursor(frame, 5);
    assert.ok(close(asScalar(await nodeData(frame, 'tax', 'data-grad')), 650), 'panel: ∂price/∂tax = 650');
    await screenshot(page, 'ui-debug-02-backward');
  });

  it("the toolbar's Step Back un-runs it: the gradient leaves the panel again", async () => {
    const { page } = wb();
    await toolbarButton(page, 'Step Back').click();
    await waitCursor(frame, 4);
    assert.equal(await nodeData(frame, 'tax', 'data-grad'), undefined, 'no gradient at tax after stepping back');
    await callStackFrame(page, (n) => n.startsWith('backward · price = all_price * tax'));
    assert.equal(await variable(page, 'price'), '715');
  });
});
