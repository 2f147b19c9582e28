/**
 * Korean in a real VS Code: code-server with display language `ko`, offline, through the test-only
 * language pack of ../koreanPack.ts (why it takes a pack AND its registration is written there).
 * The workbench's own strings come from the pack, the extension's from package.nls.ko.json,
 * l10n/bundle.l10n.ko.json and the panel's Korean strings: all asserted here as a user sees them.
 * The screenshot (test-artifacts/ui-ko.png) is the README's docs/screenshot-ko.png.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { escapeRegExp, openStepper, rootState, runFromPalette, screenshot, until, useWorkbench, viewRows, waitCursor } from './workbench';

const HANGUL = /[가-힣]/;

describe('VS Code in Korean (display language ko)', { timeout: 300_000 }, () => {
  const wb = useWorkbench({ locale: 'ko', theme: 'Default Light Modern' });
  let frame: Frame;

  it('the workbench speaks Korean: the Explorer is 탐색기', async () => {
    const explorer = wb().page.locator('.activitybar .action-label[aria-label^="탐색기"]');
    await explorer.first().waitFor({ timeout: 30_000 });
  });

  it('the palette lists the Korean command titles and runs "Backprop: 스테퍼 열기"', async () => {
    const { page } = wb();
    frame = await openStepper(page, 'buy-apple-orange.backprop', 'Backprop: 스테퍼 열기');
    // More Korean titles, each as the palette filters to it.
    const input = page.locator('.quick-input-widget .quick-input-box input');
    for (const title of ['Backprop: 순전파 한 단계', 'Backprop: 역전파 한 단계', 'Backprop: 예제 열기…']) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) });
      await row.first().waitFor({ timeout: 15_000 });
    }
    await page.keyboard.press('Escape');
  });

  it('the panel’s toolbar and detail pane are in Korean', async () => {
    const { page } = wb();
    assert.equal((await frame.locator('#position').textContent())?.trim(), '순전파 0/4 · 역전파 0/4');
    const forward = frame.locator('vscode-toolbar-button[data-command="stepForward"]');
    assert.equal(await forward.getAttribute('label'), '순전파 한 단계');
    assert.match((await forward.getAttribute('title')) ?? '', new RegExp(`^${escapeRegExp('순전파 한 단계')} \\(Alt\\+\\.\\)$`));
    await runFromPalette(page, 'Backprop: 순전파 끝까지 실행');
    await runFromPalette(page, 'Backprop: 역전파 끝까지 실행');
    const { total } = await rootState(frame);
    await waitCursor(frame, total);
    await frame.locator('[data-node="price"]').first().click();
    const detail = frame.locator('#detail');
    await until('the detail pane in Korean', async () => HANGUL.test((await detail.textContent()) ?? ''));
    assert.match((await detail.textContent()) ?? '', /곱셈/, 'the multiply node’s rule in Korean');
  });

  it('the Nodes view (노드) shows the graph, and the screenshot is taken', async () => {
    const { page } = wb();
    const item = page.locator('.activitybar .action-item').filter({ has: page.locator('.action-label[aria-label="Backprop"]') });
    await item.first().click();
    await page.locator('.pane-header', { hasText: /노드/ }).first().waitFor({ timeout: 10_000 });
    const rows = await until('the 노드 rows', async () => {
      const r = await viewRows(page, '노드');
      return r.some((x) => x.label === 'price') ? r : undefined;
    });
    assert.ok(rows.some((r) => r.label === 'tax' && /650/.test(r.description)), JSON.stringify(rows));
    await screenshot(page, 'ui-ko');
  });
});
