/**
 * One mechanism for UI text: every string the host passes to `vscode.l10n.t` (or to the translate
 * parameter `t` of its pure helpers) and every string of the webviews' tables (src/shared/uiText.ts,
 * looked up in the same bundle by the host) is in the English and in the Korean l10n bundle, with
 * the same placeholders; and no bundle holds a string nobody uses.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { panelHtml } from '../../src/host/panelHtml';
import { localizeTable, STEPPER_TEXT, TRAIN_TEXT, UI_TEXT_META } from '../../src/shared/uiText';

const ROOT = resolve(__dirname, '../..');
const bundle = (name: string) => JSON.parse(readFileSync(join(ROOT, 'l10n', name), 'utf8')) as Record<string, string>;
const en = bundle('bundle.l10n.json');
const ko = bundle('bundle.l10n.ko.json');

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `vscode.l10n.t('…')`, `this.t('…')` and `t('…')` (the translate parameter) with a literal, over src/. */
function hostStrings(): Map<string, string> {
  const used = new Map<string, string>();
  for (const f of listTs(join(ROOT, 'src'))) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/(?<![A-Za-z0-9_$])t\(\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/g)) {
      const lit = m[1];
      used.set(lit.slice(1, -1).replace(/\\(['"\\])/g, '$1'), f.slice(ROOT.length + 1));
    }
  }
  return used;
}

const holes = (x: string) => [...x.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort().join();

describe('l10n bundles', () => {
  const host = hostStrings();
  const webview = new Map<string, string>([
    ...Object.entries(STEPPER_TEXT).map(([k, s]) => [s, `STEPPER_TEXT.${k}`] as const),
    ...Object.entries(TRAIN_TEXT).map(([k, s]) => [s, `TRAIN_TEXT.${k}`] as const),
  ]);

  it('has every string the host and the webviews use, in English and in Korean, with the same placeholders', () => {
    assert.ok(host.size > 100, `found ${host.size} host strings`);
    assert.ok(webview.size > 100, `found ${webview.size} webview strings`);
    for (const [s, where] of [...host, ...webview]) {
      assert.equal(en[s], s, `l10n/bundle.l10n.json has ${JSON.stringify(s)} (${where}) as written`);
      assert.ok(ko[s], `l10n/bundle.l10n.ko.json translates ${JSON.stringify(s)} (${where})`);
      assert.equal(holes(ko[s]), holes(s), `placeholders of ${JSON.stringify(s)}`);
    }
  });

  it('holds no string that nobody uses, and both bundles have the same keys', () => {
    const used = new Set([...host.keys(), ...webview.keys()]);
    for (const k of Object.keys(ko)) assert.ok(used.has(k), `l10n/bundle.l10n.ko.json: ${JSON.stringify(k)} is not used`);
    assert.deepEqual(Object.keys(en).sort(), Object.keys(ko).sort());
  });

  it('hands a webview its strings from the bundle, in the page (no inline script)', () => {
    const table = localizeTable(STEPPER_TEXT, ko);
    assert.equal(table.stepForward, '순전파 한 단계');
    assert.equal(localizeTable(STEPPER_TEXT, undefined).stepForward, 'Step Forward');
    // A string the bundle lacks falls back to the English source.
    assert.equal(localizeTable(TRAIN_TEXT, {}).cancel, 'Cancel');
    const html = panelHtml({ cspSource: 'x', nonce: 'n', lang: 'ko', title: 't', script: 's.js', styles: [], uiText: table });
    const content = new RegExp(`<meta name="${UI_TEXT_META}" content="([^"]*)">`).exec(html)?.[1] ?? '';
    const decoded = content.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
    assert.deepEqual(JSON.parse(decoded), table);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });
});
