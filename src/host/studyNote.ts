/**
 * Figures and study notes: file names next to the graph file, the steps a note covers, and the
 * Markdown of a note (a figure per chosen step, then a table of values and gradients at that step).
 * Pure (no `vscode`), so it is unit-tested directly.
 */
import { escapeMarkdown, formatCompact, type TensorView } from '../shared/format';

export type NoteSteps = 'forwardEnd' | 'backwardEnd' | 'every';

/** The cursor positions a note shows: after the forward pass, after the backward pass, or every step. */
export function noteSteps(which: NoteSteps, forwardSteps: number, totalSteps: number): number[] {
  switch (which) {
    case 'forwardEnd':
      return [forwardSteps];
    case 'backwardEnd':
      return [totalSteps];
    case 'every':
      return Array.from({ length: totalSteps + 1 }, (_, i) => i);
  }
}

/** `buy-apple.backprop` → `buy-apple` (the base of every file a note or a figure writes). */
export function baseName(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  return name.replace(/\.backprop$/i, '') || 'graph';
}

/** A figure's file name: `buy-apple-step04.svg`. */
export function figureFileName(fileName: string, step: number, ext: 'svg' | 'png', width = 2): string {
  return `${baseName(fileName)}-step${String(step).padStart(width, '0')}.${ext}`;
}

export interface NoteRow {
  label: string;
  value: TensorView | undefined;
  grad: TensorView | undefined;
  /** Constants (labels, literals) get no gradient by design. */
  constant: boolean;
}

export interface NoteFigure {
  step: number;
  /** What the step did, e.g. "backward 2/4 · ∂L/∂apple = 1.1 × 2 = 2.2". */
  caption: string;
  /** Path of the figure relative to the note. */
  path: string;
  rows: NoteRow[];
}

export interface NoteTexts {
  title: string;
  node: string;
  value: string;
  gradient: string;
  noGradient: string;
  step: string;
}

function cell(t: TensorView | undefined): string {
  return t ? escapeMarkdown(formatCompact(t)) : '';
}

/** A relative link target: each path segment URI-encoded (spaces, Korean names). */
function linkTarget(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The note: a heading, then per figure its caption, the image and the table of its step. */
export function studyNoteMarkdown(texts: NoteTexts, figures: readonly NoteFigure[]): string {
  const out: string[] = [`# ${escapeMarkdown(texts.title)}`, ''];
  for (const f of figures) {
    out.push(`## ${escapeMarkdown(texts.step)} ${f.step}`, '');
    if (f.caption) out.push(escapeMarkdown(f.caption), '');
    out.push(`![${escapeMarkdown(`${texts.step} ${f.step}`)}](${linkTarget(f.path)})`, '');
    out.push(`| ${texts.node} | ${texts.value} | ${texts.gradient} |`, '|---|---:|---:|');
    for (const r of f.rows) out.push(`| ${escapeMarkdown(r.label)} | ${cell(r.value)} | ${r.constant ? texts.noGradient : cell(r.grad)} |`);
    out.push('');
  }
  return out.join('\n');
}
