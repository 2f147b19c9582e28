/**
 * The stepper panel's HTML (strict nonce CSP) and the validation of the state its webview
 * persists. Pure (no `vscode`), so both are unit-tested.
 */
import type { WebviewPersistedState } from '../shared/protocol';

export const PANEL_VIEW_TYPE = 'backprop.stepper';

/** Random nonce for the CSP (crypto.getRandomValues exists in Node 20 and in browsers). */
export function makeNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface PanelHtmlParts {
  cspSource: string;
  nonce: string;
  lang: string;
  title: string;
  script: string;
  styles: string[];
  codiconCss?: string;
  /** The body's root element; the stepper's by default. */
  rootHtml?: string;
}

/** A panel's HTML (the stepper's and the training panel's). Pure, so the CSP is unit-tested. */
export function panelHtml(p: PanelHtmlParts): string {
  const csp = [
    "default-src 'none'",
    `img-src ${p.cspSource} data:`,
    `style-src ${p.cspSource} 'nonce-${p.nonce}'`,
    `script-src 'nonce-${p.nonce}'`,
    `font-src ${p.cspSource}`,
  ].join('; ');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const links = [
    p.codiconCss ? `<link rel="stylesheet" id="vscode-codicon-stylesheet" nonce="${p.nonce}" href="${esc(p.codiconCss)}">` : '',
    ...p.styles.map((href) => `<link rel="stylesheet" nonce="${p.nonce}" href="${esc(href)}">`),
  ].filter((l) => l !== '');
  return `<!DOCTYPE html>
<html lang="${esc(p.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${links.join('\n')}
<title>${esc(p.title)}</title>
</head>
<body>
${p.rootHtml ?? '<div id="backprop-root" data-cursor="0" data-total="0" data-phase="forward"></div>'}
<script nonce="${p.nonce}" src="${esc(p.script)}"></script>
</body>
</html>`;
}

/** Validates the state a webview persisted (untrusted, like every message from it). */
export function parsePersistedState(x: unknown): WebviewPersistedState | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const r = x as Record<string, unknown>;
  if (typeof r.uri !== 'string' || r.uri.length === 0 || r.uri.length > 4096) return undefined;
  const cursor = typeof r.cursor === 'number' && Number.isInteger(r.cursor) && r.cursor >= 0 ? r.cursor : 0;
  const expanded = r.expanded === true;
  const selected = typeof r.selected === 'number' && Number.isInteger(r.selected) && r.selected >= 0 ? r.selected : null;
  return { uri: r.uri, cursor, expanded, selected };
}

