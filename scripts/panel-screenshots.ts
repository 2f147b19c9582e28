// Screenshots of the panel (the webview test harness: built panel in headless chromium, a real
// session behind it) for the docs: `node --import tsx scripts/panel-screenshots.ts PREFIX [W H]`
// writes docs/PREFIX-two-layer-net.png and docs/PREFIX-sigmoid-expanded.png at the end of backward.
import { join } from 'node:path';
import { ROOT, ensureBuilt, launch, openPanel } from '../test/webview/harness';

async function main(): Promise<void> {
  const [prefix = 'after', w = '700', h = '560'] = process.argv.slice(2);
  await ensureBuilt();
  const browser = await launch();
  try {
    for (const [example, expanded, name] of [
      ['two-layer-net.backprop', false, 'two-layer-net'],
      ['sigmoid.backprop', true, 'sigmoid-expanded'],
    ] as const) {
      const p = await openPanel(browser, { example, width: Number(w), height: Number(h) });
      if (expanded) {
        p.host.receive({ type: 'change', change: { kind: 'command', command: 'toggleComposite' } });
        await p.host.flushed();
      }
      await p.host.goTo(p.host.session.totalSteps);
      await p.page.waitForTimeout(400);
      await p.page.screenshot({ path: join(ROOT, 'docs', `${prefix}-${name}.png`) });
      await p.close();
    }
  } finally {
    await browser.close();
  }
}

void main();
