/**
 * Practice mode in the panel (headless chromium, real session behind it): the gradients of the
 * node just run backward are hidden until typed; wrong answers show the rule and the arithmetic,
 * right ones (fractions and decimals alike) reveal the gradient; the score is kept per file.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkAnswer, parseAnswer } from '../../webview/practice';
import { openPanel, useBrowser } from './harness';

const browser = useBrowser();

describe('practice answers', () => {
  test('decimals, fractions, lists and rows; right within the precision written', () => {
    const scalar = (v: number) => ({ shape: [], data: [v] });
    assert.equal(checkAnswer('2.2', scalar(2.2000000000000006)), 'right');
    assert.equal(checkAnswer('11/5', scalar(2.2)), 'right');
    assert.equal(checkAnswer('−1/4', scalar(-0.25)), 'right');
    assert.equal(checkAnswer('0.31', scalar(0.3057)), 'right', 'rounded to two digits');
    assert.equal(checkAnswer('0.3', scalar(0.3057)), 'wrong', 'one digit is not enough');
    assert.equal(checkAnswer('2', scalar(2.2)), 'wrong');
    assert.equal(checkAnswer('[[1, 0], [0, 1]]', { shape: [2, 2], data: [1, 0, 0, 1] }), 'right');
    assert.equal(checkAnswer('1 0 0', { shape: [2, 2], data: [1, 0, 0, 1] }), 'wrong', 'too few values');
    assert.equal(checkAnswer('two', scalar(2)), 'invalid');
    assert.equal(checkAnswer('1/0', scalar(2)), 'invalid');
    assert.equal(parseAnswer(''), undefined);
  });
});

describe('practice mode in the panel', () => {
  test('buy-apple: hidden gradients, a wrong answer shows the rule and arithmetic, right ones reveal, score kept', async () => {
    const p = await openPanel(browser(), { example: 'buy-apple.backprop', width: 1100, height: 620 });
    const { page, host } = p;
    try {
      host.post({ type: 'practice', enabled: true });
      await host.goTo(host.session.forwardSteps + 1);
      await page.waitForSelector('#detail input[data-practice-input]');
      // price ran backward: its gradients to apple_price and tax are asked for, not shown.
      assert.equal(await page.locator('#detail').getAttribute('data-detail-node'), 'price');
      assert.equal(await page.locator('.labels .practice-hidden').count(), 2);
      assert.ok(!(await page.locator('#step-arith').textContent())?.includes('1.1 = 1.1'), 'no answer in the caption');
      const first = page.locator('#detail input[data-practice-input="0"]');
      await first.fill('2');
      await first.press('Enter');
      await page.waitForSelector('.practice-feedback.wrong');
      const feedback = (await page.locator('.practice-feedback.wrong').textContent()) ?? '';
      assert.match(feedback, /multiply node/, 'the rule');
      assert.match(feedback, /∂L\/∂apple_price = ∂L\/∂price · tax = 1 × 1\.1 = 1\.1/, 'the arithmetic');
      await page.locator('#detail input[data-practice-input="0"]').fill('11/10');
      await page.locator('#detail input[data-practice-input="0"]').press('Enter');
      await page.locator('#detail input[data-practice-input="1"]').fill('200');
      await page.locator('#detail').getByRole('button', { name: 'Check' }).click();
      await page.waitForFunction(() => document.querySelectorAll('#detail input[data-practice-input]').length === 0);
      assert.equal(await page.locator('.labels .practice-hidden').count(), 0, 'revealed');
      assert.equal(await page.locator('[data-edge-label="tax->price:1"] .edge-grad').textContent(), '∂200');
      const score = page.locator('.practice-score');
      assert.equal(await score.getAttribute('data-right'), '2');
      assert.equal(await score.getAttribute('data-wrong'), '1');
      assert.match((await page.locator('#step-arith').textContent()) ?? '', /1 × 1\.1 = 1\.1/, 'the arithmetic once found');
      // The score is in the webview state, by file.
      const state = (await page.evaluate('window.__state')) as { scores?: Record<string, { right: number; wrong: number }> };
      assert.deepEqual(Object.values(state.scores ?? {}), [{ right: 2, wrong: 1 }]);
      // Stopping from the panel tells the host.
      await page.getByRole('button', { name: 'Stop practice' }).click();
      assert.ok((await p.posted()).some((m) => m.type === 'change' && m.change.kind === 'practice' && !m.change.enabled));
      assert.equal(await page.locator('.practice-bar').count(), 0);
      assert.deepEqual(p.problems, []);
    } finally {
      await p.close();
    }
  });
});
