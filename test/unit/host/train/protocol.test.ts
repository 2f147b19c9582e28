import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrainWebviewMessage } from '../../../../src/shared/protocol';
import { trainPanelHtml } from '../../../../src/host/train/trainPanelHtml';

test('messages from the training panel are validated: good ones pass, anything else is dropped', () => {
  for (const type of ['ready', 'cancel', 'cancelGradcheck', 'openGraph', 'trainAgain'] as const) {
    assert.deepEqual(parseTrainWebviewMessage({ type, extra: 'ignored' }), { type });
  }
  assert.deepEqual(parseTrainWebviewMessage({ type: 'chartState', runId: 2, lossPoints: 300, accuracyPoints: 10 }), {
    type: 'chartState', runId: 2, lossPoints: 300, accuracyPoints: 10,
  });
  const bad: unknown[] = [
    null, 42, 'ready', [], {}, { type: 'run' }, { type: 'command', command: 'rm -rf' },
    { type: 'chartState', runId: -1, lossPoints: 1, accuracyPoints: 1 },
    { type: 'chartState', runId: 1, lossPoints: 1.5, accuracyPoints: 1 },
    { type: 'chartState', runId: 1, lossPoints: '3', accuracyPoints: 1 },
    { type: 'chartState', runId: 1, lossPoints: 1 },
  ];
  for (const m of bad) assert.equal(parseTrainWebviewMessage(m), undefined, JSON.stringify(m));
});

test('the panel HTML has a nonce CSP: no inline script or style without the nonce, no remote sources', () => {
  const html = trainPanelHtml({ cspSource: 'vscode-webview://x', nonce: 'abc123', lang: 'ko', title: 'T<"', script: 'vscode-webview://x/train.js', styles: ['vscode-webview://x/train.css'] });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
  assert.match(csp, /style-src vscode-webview:\/\/x 'nonce-abc123'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  assert.match(html, /<script nonce="abc123" src="vscode-webview:\/\/x\/train\.js"><\/script>/);
  assert.match(html, /<title>T&lt;&quot;<\/title>/);
  assert.match(html, /<html lang="ko">/);
});
