/**
 * The web bundle (package.json `browser`, dist/web/extension.js) in a real web worker extension
 * host: code-server with the user setting `remote.extensionKind` putting this extension in the
 * browser's web worker host (a manifest with `main` and `browser` otherwise runs in the remote Node
 * host), `--log trace` so the window log says where it runs. Then the core of the other UI tests:
 * open an example, step, read the numbers from the webview, run the gradient check.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { asScalar, close, nodeData, openStepper, quickOpen, rootState, runFromPalette, screenshot, until, useWorkbench, waitCursor } from './workbench';

const EXTENSION_ID = 'backprop-stepper.backprop-stepper';

/** The training / gradient-check panel's frame, once it shows a finished (or failed) check. */
async function gradcheckFrame(page: Page): Promise<Frame> {
  return until(
    'the gradient check panel with a result',
    async () => {
      for (const frame of page.frames()) {
        if (frame.isDetached()) continue;
        const box = await frame.$('section.gradcheck').catch(() => null);
        const state = await box?.getAttribute('data-state');
        if (state === 'done' || state === 'error') return frame;
      }
      return undefined;
    },
    120_000,
  );
}

describe('the web bundle in the web worker extension host', { timeout: 300_000 }, () => {
  const log: string[] = [];
  const wb = useWorkbench({ settings: { 'remote.extensionKind': { [EXTENSION_ID]: ['web'] } }, logLevel: 'trace', console: log });

  it('steps buy-apple-orange to the book’s numbers, running in the LocalWebWorker host', async () => {
    const { page } = wb();
    const frame = await openStepper(page, 'buy-apple-orange.backprop');
    await runFromPalette(page, 'Backprop: Run Forward Pass');
    const fwd = await until('the end of the forward pass', async () => {
      const s = await rootState(frame);
      return s.phase !== 'forward' ? s : undefined;
    });
    await runFromPalette(page, 'Backprop: Step Backward');
    await waitCursor(frame, fwd.cursor + 1);
    await runFromPalette(page, 'Backprop: Run Backward Pass');
    await waitCursor(frame, fwd.total);
    assert.ok(close(asScalar(await nodeData(frame, 'price', 'data-value')), 715), 'price = 715');
    assert.ok(close(asScalar(await nodeData(frame, 'tax', 'data-grad')), 650), '∂price/∂tax = 650');
    assert.ok(close(asScalar(await nodeData(frame, 'apple', 'data-grad')), 2.2), '∂price/∂apple = 2.2');

    const where = log.filter((l) => l.includes(`pickRunningLocation for ${EXTENSION_ID}`));
    assert.ok(where.length > 0, 'the window log says where the extension runs');
    for (const line of where) assert.match(line, /=> LocalWebWorker\s*$/, line);
  });

  it('Gradient Check runs there too and shows every leaf agreeing with backprop', async () => {
    const { page } = wb();
    await quickOpen(page, 'buy-apple-orange.backprop');
    await runFromPalette(page, 'Backprop: Gradient Check');
    const frame = await gradcheckFrame(page);
    const state = await frame.locator('section.gradcheck').getAttribute('data-state');
    await screenshot(page, 'ui-web-gradcheck');
    assert.equal(state, 'done', `gradient check: ${(await frame.locator('section.gradcheck').textContent()) ?? ''}`);
    const leaves = frame.locator('table.leaves tr[data-leaf]');
    const n = await leaves.count();
    assert.equal(n, 5, 'apple, apple_num, orange, orange_num, tax');
    for (let i = 0; i < n; i++) {
      const diff = Number(await leaves.nth(i).getAttribute('data-max-abs-diff'));
      assert.ok(diff < 1e-6, `${await leaves.nth(i).getAttribute('data-leaf')}: |Δ| = ${diff}`);
    }
  });
});
