/**
 * The panel's strings: the host looked them up in the extension's l10n bundle (the same one
 * `vscode.l10n.t` reads) and wrote them into the page; `t` reads them. The locale the host sends in
 * the `graph` message (VS Code's display language) picks the engine's bilingual text (`locale()`):
 * `ko*` means Korean, anything else English.
 */
import { STEPPER_TEXT, type StepperTextKey } from '../src/shared/uiText';
import { readUiText } from './uiText';

export type MessageKey = StepperTextKey;

let strings: Record<MessageKey, string> | undefined;
let currentLocale: 'ko' | 'en' = 'en';

export function setLocale(locale: string): void {
  currentLocale = locale.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

/** 'ko' or 'en'. */
export function locale(): 'ko' | 'en' {
  return currentLocale;
}

export function t(key: MessageKey): string {
  strings ??= readUiText(STEPPER_TEXT);
  return strings[key];
}
