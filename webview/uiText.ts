/**
 * Reads the strings the host wrote into the panel's HTML (`<meta name="backprop-ui-text">`, see
 * src/shared/uiText.ts): the host looked each one up in the extension's l10n bundle. A key the page
 * does not carry (a plain browser page, an older host, no page at all) shows the English source string.
 */
import * as v from 'valibot';
import { UI_TEXT_META, UiTextSchema } from '../src/shared/uiText';

export function readUiText<K extends string>(table: Readonly<Record<K, string>>): Record<K, string> {
  // No page at all (the pure parts run in Node by the unit tests): the English strings.
  const raw = typeof document === 'undefined' ? undefined : document.querySelector(`meta[name="${UI_TEXT_META}"]`)?.getAttribute('content');
  let given: Record<string, string> = {};
  if (raw) {
    try {
      const parsed = v.safeParse(UiTextSchema, JSON.parse(raw));
      if (parsed.success) given = parsed.output;
    } catch {
      // Not JSON: keep the English strings.
    }
  }
  const out = {} as Record<K, string>;
  for (const key of Object.keys(table) as K[]) out[key] = Object.hasOwn(given, key) ? given[key] : table[key];
  return out;
}
