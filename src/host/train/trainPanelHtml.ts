/**
 * The training panel's HTML: the same strict nonce CSP as the stepper panel (no inline code,
 * nothing remote), our script and styles only.
 */
import { panelHtml } from '../panelHtml';

export function trainPanelHtml(p: { cspSource: string; nonce: string; lang: string; title: string; script: string; styles: string[]; uiText?: Readonly<Record<string, string>> }): string {
  return panelHtml({ ...p, rootHtml: '<div id="backprop-training-root"></div>' });
}
