/**
 * Export Figure: the SVG the panel sends parses, has every theme colour resolved (no CSS variable
 * left), keeps Korean text as text, passes the host's validator, and drawn on its own in chromium
 * looks like the panel itself (pixel difference under 1 %); the PNG is a real PNG at twice the size.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseWebviewMessage, type WebviewToHost } from '../../src/shared/protocol';
import { ARTIFACTS, openPanel, type PanelPage, useBrowser } from './harness';

const browser = useBrowser();

async function figure(p: PanelPage, requestId: number, format: 'svg' | 'png'): Promise<string> {
  p.host.post({ type: 'exportFigure', requestId, format });
  await p.host.flushed();
  for (let i = 0; i < 100; i++) {
    const m = (await p.posted()).find((x: WebviewToHost) => (x.type === 'figure' || x.type === 'figureError') && x.requestId === requestId);
    if (m) {
      assert.equal(m.type, 'figure', JSON.stringify(m).slice(0, 200));
      const checked = parseWebviewMessage(m);
      assert.ok(checked && checked.type === 'figure', 'the host accepts it');
      return checked.data;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no figure');
}

/** Share of pixels that differ by more than `tol` in some channel, between two PNG screenshots. */
async function pixelDifference(a: Buffer, b: Buffer, tol = 48): Promise<number> {
  const page = await browser().newPage();
  try {
    // tsx (esbuild keepNames) wraps named functions in `__name(...)`: give the page one.
    await page.evaluate('window.__name = (f) => f');
    return await page.evaluate(
      async ([x, y, t]) => {
        const load = (src: string) =>
          new Promise<HTMLImageElement>((resolve, reject) => {
            const img = new Image();
            img.onload = () => resolve(img);
            img.onerror = reject;
            img.src = `data:image/png;base64,${src}`;
          });
        const [ia, ib] = await Promise.all([load(x as string), load(y as string)]);
        const w = Math.min(ia.width, ib.width);
        const h = Math.min(ia.height, ib.height);
        const data = (img: HTMLImageElement) => {
          const c = document.createElement('canvas');
          c.width = w;
          c.height = h;
          const ctx = c.getContext('2d') as CanvasRenderingContext2D;
          ctx.drawImage(img, 0, 0);
          return ctx.getImageData(0, 0, w, h).data;
        };
        const da = data(ia);
        const db = data(ib);
        let diff = 0;
        for (let i = 0; i < da.length; i += 4) {
          if (Math.abs(da[i] - db[i]) > (t as number) || Math.abs(da[i + 1] - db[i + 1]) > (t as number) || Math.abs(da[i + 2] - db[i + 2]) > (t as number)) diff++;
        }
        return diff / (w * h);
      },
      [a.toString('base64'), b.toString('base64'), tol] as const,
    );
  } finally {
    await page.close();
  }
}

describe('Export Figure', () => {
  for (const theme of ['light', 'dark'] as const) {
    test(`buy-apple-orange in Korean, ${theme} theme: a self-contained SVG that looks like the panel`, async () => {
      const p = await openPanel(browser(), { example: 'buy-apple-orange.backprop', locale: 'ko', theme, width: 1600, height: 900 });
      const { page, host } = p;
      try {
        await host.goTo(host.session.totalSteps);
        await page.waitForTimeout(900);
        const svg = await figure(p, 1, 'svg');
        assert.ok(!/var\(/.test(svg), 'no CSS variable left');
        assert.ok(!/class=/.test(svg), 'no class left to style it');
        assert.match(svg, /입력/, 'Korean text kept as text');
        const parsed = await page.evaluate((s) => {
          const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
          return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.tagName, texts: doc.querySelectorAll('text').length };
        }, svg);
        assert.equal(parsed.error, null);
        assert.equal(parsed.root, 'svg');
        assert.ok(parsed.texts > 10);
        writeFileSync(join(ARTIFACTS, `figure-${theme}.svg`), svg);

        // The panel at its own size (no pan or zoom), against the figure drawn alone.
        const [w, h] = ((await page.locator('svg.graph').getAttribute('data-content')) ?? '').split('x').map(Number);
        await page.evaluate(() => document.querySelector('svg.graph .viewport')?.setAttribute('transform', 'translate(0 0) scale(1)'));
        const box = await page.locator('svg.graph').boundingBox();
        assert.ok(box && box.width >= w && box.height >= h, `the panel shows the whole ${w}×${h} graph`);
        const live = await page.screenshot({ clip: { x: box.x, y: box.y, width: Math.floor(w), height: Math.floor(h) } });
        const alone = await browser().newPage({ viewport: { width: Math.ceil(w) + 10, height: Math.ceil(h) + 10 }, deviceScaleFactor: 1 });
        await alone.setContent(`<!DOCTYPE html><html><body style="margin:0">${svg.replace(/^<\?xml[^>]*>/, '')}</body></html>`);
        const drawn = await alone.screenshot({ clip: { x: 0, y: 0, width: Math.floor(w), height: Math.floor(h) } });
        await alone.close();
        writeFileSync(join(ARTIFACTS, `figure-${theme}-panel.png`), live);
        writeFileSync(join(ARTIFACTS, `figure-${theme}-alone.png`), drawn);
        const difference = await pixelDifference(live, drawn);
        assert.ok(difference < 0.01, `${(difference * 100).toFixed(2)} % of the pixels differ`);

        const png = Buffer.from(await figure(p, 2, 'png'), 'base64');
        assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
        assert.equal(png.readUInt32BE(16), Math.ceil(w * 2), 'twice the width');
        assert.deepEqual(p.problems, []);
        assert.deepEqual(await p.violations(), []);
      } finally {
        await p.close();
      }
    });
  }

  test('the host refuses figures that are not what they claim', () => {
    assert.equal(parseWebviewMessage({ type: 'figure', requestId: 1, format: 'svg', data: '<script>alert(1)</script>' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'figure', requestId: 1, format: 'png', data: 'not base64!' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'figure', requestId: -1, format: 'svg', data: '<svg></svg>' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'figure', requestId: 1, format: 'gif', data: 'AAAA' }), undefined);
    assert.ok(parseWebviewMessage({ type: 'figure', requestId: 1, format: 'svg', data: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' }));
    assert.deepEqual(parseWebviewMessage({ type: 'change', change: { kind: 'practice', enabled: false } }), { type: 'change', change: { kind: 'practice', enabled: false } });
    assert.equal(parseWebviewMessage({ type: 'change', change: { kind: 'practice', enabled: 'yes' } }), undefined);
  });
});
