/** The panel's HTML and CSP, the validation of persisted webview state, and the examples index. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compareSections, isSafeExampleFile, localized, parseExamplesIndex } from '../../../src/host/examplesIndex';
import { makeNonce, panelHtml, parsePersistedState } from '../../../src/host/panelHtml';

describe('host panel HTML', () => {
  const html = panelHtml({
    cspSource: 'https://x.vscode-cdn.net',
    nonce: 'abc123',
    lang: 'ko',
    title: 'Backprop <Stepper>',
    script: 'https://x.vscode-cdn.net/dist/webview/main.js',
    styles: ['https://x.vscode-cdn.net/media/webview.css'],
    codiconCss: 'https://x.vscode-cdn.net/dist/webview/codicon.css',
  });

  it('has a strict CSP: nothing by default, scripts only by nonce, no remote or inline code', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const parts = csp.split(';').map((p) => p.trim());
    assert.deepEqual(parts, [
      "default-src 'none'",
      'img-src https://x.vscode-cdn.net data:',
      "style-src https://x.vscode-cdn.net 'nonce-abc123'",
      "script-src 'nonce-abc123'",
      'font-src https://x.vscode-cdn.net',
    ]);
    assert.ok(!csp.includes('unsafe'));
  });

  it('loads the bundle with the nonce, the styles, the codicon sheet, and has the root element', () => {
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\.vscode-cdn\.net\/dist\/webview\/main\.js"><\/script>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'exactly one script, no inline code');
    assert.match(html, /<link rel="stylesheet" id="vscode-codicon-stylesheet" nonce="abc123" href="[^"]+codicon\.css">/);
    assert.match(html, /href="https:\/\/x\.vscode-cdn\.net\/media\/webview\.css"/);
    assert.match(html, /<div id="backprop-root" data-cursor="0" data-total="0" data-phase="forward"><\/div>/);
    assert.match(html, /<html lang="ko">/);
    assert.match(html, /<title>Backprop &lt;Stepper><\/title>/);
  });

  it('makes a fresh, long enough nonce each time', () => {
    const a = makeNonce();
    const b = makeNonce();
    assert.match(a, /^[0-9a-f]{36}$/);
    assert.notEqual(a, b);
  });

  it('accepts only well-formed persisted state (it comes from the webview: untrusted)', () => {
    assert.deepEqual(parsePersistedState({ uri: 'file:///a.backprop', cursor: 3, expanded: true, selected: 2 }), {
      uri: 'file:///a.backprop',
      cursor: 3,
      expanded: true,
      selected: 2,
    });
    assert.deepEqual(parsePersistedState({ uri: 'file:///a.backprop', cursor: -1, expanded: 'yes', selected: 1.5 }), {
      uri: 'file:///a.backprop',
      cursor: 0,
      expanded: false,
      selected: null,
    });
    for (const bad of [undefined, null, 42, 'x', [], { uri: 3 }, { uri: '' }, { cursor: 1 }, { uri: 'x'.repeat(5000) }]) {
      assert.equal(parsePersistedState(bad), undefined, JSON.stringify(bad)?.slice(0, 40));
    }
  });

  it('takes only own properties of a persisted state, never inherited ones', () => {
    const inherited = Object.create({ uri: 'file:///a.backprop', cursor: 3, expanded: true, selected: 2 }) as object;
    assert.equal(parsePersistedState(inherited), undefined);
    const partly = Object.assign(Object.create({ cursor: 3, expanded: true, selected: 2 }) as object, { uri: 'file:///a.backprop' });
    assert.deepEqual(parsePersistedState(partly), { uri: 'file:///a.backprop', cursor: 0, expanded: false, selected: null });
    assert.deepEqual(parsePersistedState(JSON.parse('{"uri":"file:///a.backprop","__proto__":{"cursor":5}}')), { uri: 'file:///a.backprop', cursor: 0, expanded: false, selected: null });
  });

  it('accepts only URIs of documents the panel may open', () => {
    for (const uri of ['file:///home/me/a.backprop', 'untitled:Untitled-1', 'vscode-remote://ssh-remote%2Bbox/home/a.backprop', 'vscode-vfs://github/x/y/net.BACKPROP', 'file:///tmp/caf%C3%A9.backprop']) {
      assert.equal(parsePersistedState({ uri })?.uri, uri, uri);
    }
    for (const uri of ['command:workbench.action.terminal.new', 'command:backprop.openStepper?%5B%22file%3A%2F%2F%2Fa.backprop%22%5D', 'https://example.com/a.backprop', 'javascript:alert(1)//.backprop', 'data:text/plain,x.backprop', 'file:///etc/passwd', 'file:///a.backprop.js', 'a.backprop', 'file:///%E0%A4%A.backprop']) {
      assert.equal(parsePersistedState({ uri }), undefined, uri);
    }
  });
});

describe('host examples index', () => {
  it('groups the shipped examples by section of chapter 5, in book order', () => {
    const json: unknown = JSON.parse(readFileSync(new URL('../../../examples/index.json', import.meta.url), 'utf8'));
    const sections = parseExamplesIndex(json);
    assert.ok(sections.length >= 4);
    const order = sections.map((s) => s.section);
    assert.deepEqual([...order].sort(compareSections), order);
    const all = sections.flatMap((s) => s.examples.map((e) => e.file));
    for (const f of ['buy-apple.backprop', 'buy-apple-orange.backprop', 'sigmoid.backprop', 'two-layer-net.backprop']) assert.ok(all.includes(f), f);
    for (const f of all) readFileSync(new URL(`../../../examples/${f}`, import.meta.url));
    const simple = sections.find((s) => s.section === '5.4');
    assert.ok(simple);
    assert.equal(simple.title.en, 'Simple layers');
    assert.equal(localized(simple.title, 'ko'), '단순한 계층 구현하기');
    assert.ok(simple.examples.some((e) => e.file === 'buy-apple.backprop'));
  });

  it('accepts a list of sections too, and skips malformed or unsafe entries', () => {
    const sections = parseExamplesIndex({
      sections: [
        { section: '5.5', title: { en: 'Activations', ko: '활성화' }, examples: [{ file: 'relu.backprop', title: 'ReLU' }, { file: '../evil.backprop' }, 7] },
        { section: 5.4, examples: [{ path: 'examples/buy-apple.backprop', title: { ko: '사과' } }] },
      ],
    });
    assert.deepEqual(
      sections.map((s) => [s.section, s.title.en, s.examples.map((e) => e.file)]),
      [
        ['5.4', 'Simple layers', ['buy-apple.backprop']],
        ['5.5', 'Activations', ['relu.backprop']],
      ],
    );
    assert.equal(sections[0].examples[0].title.en, '사과');
    assert.deepEqual(parseExamplesIndex(null), []);
    assert.deepEqual(parseExamplesIndex({ examples: 'x' }), []);
    assert.equal(isSafeExampleFile('a/b.backprop'), false);
    assert.equal(isSafeExampleFile('..backprop'), false);
    assert.equal(isSafeExampleFile('buy-apple.backprop'), true);
    assert.ok(compareSections('5.4', '5.10') < 0);
  });
});
