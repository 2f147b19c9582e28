/**
 * The training panel's strings: the host looked them up in the extension's l10n bundle (the same
 * one `vscode.l10n.t` reads) and wrote them into the page (see src/shared/uiText.ts).
 */
import { TRAIN_TEXT, type TrainTextKey } from '../../src/shared/uiText';
import { readUiText } from '../uiText';

let strings: Record<TrainTextKey, string> | undefined;

/** The text of `key` with {0}, {1}, … replaced by the arguments (a missing one by nothing). */
export function t(key: TrainTextKey, ...args: (string | number)[]): string {
  strings ??= readUiText(TRAIN_TEXT);
  return strings[key].replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}
