/**
 * Words for steps and positions ("backward 3/5"), shared by the status bar, Go to Step… and the
 * sidebar. Pure: the translation function is passed in (`vscode.l10n.t` in the extension, a plain
 * formatter in unit tests).
 */
import type { Phase } from './protocol';

export type Translate = (message: string, ...args: (string | number)[]) => string;

/** Replaces {0}, {1}, … like `vscode.l10n.t` does for English. */
export const plainTranslate: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));

export interface PositionInfo {
  phase: Phase;
  /** Steps done within the phase. */
  done: number;
  /** Steps in the phase. */
  of: number;
}

/** Where a cursor is, within its phase: forward k/F, backward k/F, done. */
export function positionOf(cursor: number, forwardSteps: number, totalSteps: number): PositionInfo {
  if (totalSteps === 0) return { phase: 'done', done: 0, of: 0 };
  if (cursor < forwardSteps) return { phase: 'forward', done: cursor, of: forwardSteps };
  if (cursor < totalSteps) return { phase: 'backward', done: cursor - forwardSteps, of: totalSteps - forwardSteps };
  return { phase: 'done', done: totalSteps - forwardSteps, of: totalSteps - forwardSteps };
}

export function phaseWord(phase: Phase, t: Translate): string {
  switch (phase) {
    case 'forward':
      return t('forward');
    case 'backward':
      return t('backward');
    case 'done':
      return t('done');
  }
}

/**
 * Status bar text: "Backprop: forward 2/4", "Backprop: backward 3/4" (at the moment the forward
 * pass has finished: "backward 0/4"), "Backprop: done 4/4".
 */
export function statusText(cursor: number, forwardSteps: number, totalSteps: number, t: Translate): string {
  const p = positionOf(cursor, forwardSteps, totalSteps);
  return t('Backprop: {0} {1}/{2}', phaseWord(p.phase, t), p.done, p.of);
}

export interface StepSource {
  readonly forwardSteps: number;
  readonly totalSteps: number;
  nodeOfStep(i: number): number | undefined;
  node(id: number): { label: string; op: string } | undefined;
}

/** A line for Go to Step…: cursor position i means "after i steps". */
export function stepTitle(s: StepSource, i: number, t: Translate = plainTranslate, symbolOf?: (op: string) => string): { label: string; description: string } {
  if (i === 0) return { label: '0', description: t('start: only the inputs are known') };
  const id = s.nodeOfStep(i - 1);
  const node = id === undefined ? undefined : s.node(id);
  const what = node ? `${symbolOf ? `${symbolOf(node.op)} ` : ''}${node.label}` : '?';
  const phase = i - 1 < s.forwardSteps ? t('forward') : t('backward');
  const within = i - 1 < s.forwardSteps ? i : i - s.forwardSteps;
  const of = i - 1 < s.forwardSteps ? s.forwardSteps : s.totalSteps - s.forwardSteps;
  return { label: String(i), description: t('{0} {1}/{2} · {3}', phase, within, of, what) };
}
