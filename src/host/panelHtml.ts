/**
 * The stepper panel's HTML (strict nonce CSP) and the validation of the state its webview
 * persists. Pure (no `vscode`), so both are unit-tested.
 */
import * as v from 'valibot';
import type { WebviewPersistedState } from '../shared/protocol';
import { PersistedStateSchema, parseOrUndefined } from '../shared/schema';
import { UI_TEXT_META } from '../shared/uiText';

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
  /** The panel's UI strings, already localised (see src/shared/uiText.ts): carried in a `<meta>`, read by the webview. */
  uiText?: Readonly<Record<string, string>>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The `<meta>` that hands a webview its localised strings (an attribute, not a script: the CSP stays strict). */
export function uiTextMeta(uiText: Readonly<Record<string, string>>): string {
  return `<meta name="${UI_TEXT_META}" content="${esc(JSON.stringify(uiText))}">`;
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
  const links = [
    p.codiconCss ? `<link rel="stylesheet" id="vscode-codicon-stylesheet" nonce="${p.nonce}" href="${esc(p.codiconCss)}">` : '',
    ...p.styles.map((href) => `<link rel="stylesheet" nonce="${p.nonce}" href="${esc(href)}">`),
  ].filter((l) => l !== '');
  const uiText = p.uiText ? `${uiTextMeta(p.uiText)}\n` : '';
  return `<!DOCTYPE html>
<html lang="${esc(p.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${uiText}${links.join('\n')}
<title>${esc(p.title)}</title>
</head>
<body>
${p.rootHtml ?? '<div id="backprop-root" data-cursor="0" data-total="0" data-phase="forward"></div>'}
<script nonce="${p.nonce}" src="${esc(p.script)}"></script>
</body>
</html>`;
}

/** URI schemes of text documents a stepper session can be for (local, remote, virtual, web, unsaved). */
const DOCUMENT_SCHEMES: ReadonlySet<string> = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-test-web', 'vscode-userdata', 'memfs']);

/**
 * Whether the panel may open this document again when it is restored: a `.backprop` file of a
 * document scheme, or an unsaved (untitled) document. Never `command:`, `http:` or another
 * language's file, whatever a saved state claims.
 */
export function isPanelDocumentUri(uri: string): boolean {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(uri);
  if (!m) return false;
  const scheme = m[1].toLowerCase();
  if (!DOCUMENT_SCHEMES.has(scheme)) return false;
  if (scheme === 'untitled') return true;
  const path = uri.slice(m[0].length).split(/[?#]/)[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  return /\.backprop$/i.test(decoded);
}

/**
 * The state a webview persisted, if valid (untrusted, like every message from it): the shared
 * `PersistedStateSchema` (own properties only; nothing inherited from a prototype counts) and
 * only a document URI the panel may open.
 */
const HostPersistedStateSchema = v.pipe(
  PersistedStateSchema,
  v.check((s) => isPanelDocumentUri(s.uri), 'not a document the panel may open'),
);

export function parsePersistedState(x: unknown): WebviewPersistedState | undefined {
  return parseOrUndefined(HostPersistedStateSchema, x);
}
