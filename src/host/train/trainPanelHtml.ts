/**
 * The training panel's HTML: a strict nonce CSP (no inline code, nothing remote), our script and
 * styles only. Pure (no vscode), so the CSP is unit-tested.
 */

/** Random nonce for the CSP (crypto.getRandomValues exists in Node 20 and in browsers). */
export function makeNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function trainPanelHtml(p: { cspSource: string; nonce: string; lang: string; title: string; script: string; styles: string[] }): string {
  const csp = [
    "default-src 'none'",
    `img-src ${p.cspSource} data:`,
    `style-src ${p.cspSource} 'nonce-${p.nonce}'`,
    `script-src 'nonce-${p.nonce}'`,
    `font-src ${p.cspSource}`,
  ].join('; ');
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="${esc(p.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${p.styles.map((href) => `<link rel="stylesheet" nonce="${p.nonce}" href="${esc(href)}">`).join('\n')}
<title>${esc(p.title)}</title>
</head>
<body>
<div id="backprop-training-root"></div>
<script nonce="${p.nonce}" src="${esc(p.script)}"></script>
</body>
</html>`;
}
