/**
 * Imported first: lit (inside vscode-elements) adds `<style>` elements only where constructable
 * stylesheets are missing, and then needs the page's nonce to pass a strict `style-src`. We hand it
 * the nonce of our own script tag.
 */
const script = document.currentScript;
const nonce = script instanceof HTMLScriptElement ? script.nonce : '';
const g = globalThis as { litNonce?: string };
if (nonce && g.litNonce === undefined) g.litNonce = nonce;

export {};
