/**
 * Practice mode in a real VS Code (code-server + chromium), from the command palette: at a backward
 * step the gradients are hidden, a wrong answer shows the rule and the arithmetic, right answers
 * (a fraction and a decimal) reveal them and count in the score.
 *
 *   npm run package && node --import tsx --test test/vscode/ui/practice.test.ts
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { openStepper, rootState, runFromPalette, screenshotPanel, stepperFrame, until, useWorkbench, waitCursor } from './workbench';

describe('Backprop: Practice Backward Pass on buy-apple', { timeout: 300_000 }, () => {
  const wb = useWorkbench({ theme: 'Default Light Modern' });
  let frame: Frame;

  it('hides the gradients of the step, checks wrong and right answers, keeps the score', async () => {
    const { page } = wb();
    frame = await openStepper(page, 'buy-apple.backprop');
    await runFromPalette(page, 'Backprop: Run Forward Pass');
    const forward = (await waitCursor(frame, 2)).cursor;
    await runFromPalette(page, 'Backprop: Practice Backward Pass');
    frame = await stepperFrame(page);
    await until('the practice bar', async () => (await frame.locator('.practice-bar').count()) > 0);
    await runFromPalette(page, 'Backprop: Step Backward');
    await waitCursor(frame, forward + 1);
    assert.equal((await rootState(frame)).phase, 'backward');

    const input = frame.locator('#detail input[data-practice-input="0"]');
    await input.waitFor({ timeout: 15_000 });
    assert.equal(await frame.locator('.labels .practice-hidden').count(), 2, 'both gradients of price hidden');
    // Wrong: the rule and the arithmetic.
    await input.fill('2');
    await frame.locator('#detail .practice-row').first().getByRole('button').click();
    const wrong = frame.locator('.practice-feedback.wrong');
    await wrong.waitFor({ timeout: 10_000 });
    assert.match((await wrong.textContent()) ?? '', /1 × 1\.1 = 1\.1/);
    await screenshotPanel(page, 'ui-practice-wrong');
    // Right: a fraction, then a decimal.
    await frame.locator('#detail input[data-practice-input="0"]').fill('11/10');
    await frame.locator('#detail input[data-practice-input="0"]').press('Enter');
    await frame.locator('#detail input[data-practice-input="1"]').fill('200.0');
    await frame.locator('#detail input[data-practice-input="1"]').press('Enter');
    await until('both gradients revealed', async () => (await frame.locator('#detail input[data-practice-input]').count()) === 0);
    assert.equal(await frame.locator('.labels .practice-hidden').count(), 0);
    assert.equal(await frame.locator('[data-edge-label="tax->price:1"] .edge-grad').textContent(), '∂200');
    const score = frame.locator('.practice-score');
    assert.equal(await score.getAttribute('data-right'), '2');
    assert.equal(await score.getAttribute('data-wrong'), '1');
    await screenshotPanel(page, 'ui-practice-right');
  });
});
