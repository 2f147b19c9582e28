/**
 * Formatting of values and gradients for the editor, the sidebar and the status bar.
 * Pure (no `vscode`), so it is unit-tested directly.
 *
 * Numbers are printed the way the book prints them: 220, 2.2, 110 — float noise such as
 * 110.00000000000001 is rounded away for display (the full value stays in tooltips and in the
 * webview's data- attributes).
 */
import type { NestedArray, Shape } from '../engine/tensor';

/** A tensor-like value as the host holds it: shape plus row-major values. */
export interface TensorView {
  readonly shape: Shape;
  readonly data: ArrayLike<number>;
}

/** Book-like short form of one number: 6 significant digits, no trailing zeros, exponent when tiny or huge. */
export function formatNumber(x: number, digits = 6): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '-∞';
  if (x === 0) return '0';
  const ax = Math.abs(x);
  if (ax >= 1e7 || ax < 1e-4) {
    const [mant, exp] = x.toExponential(Math.max(0, Math.min(digits, 4) - 1)).split('e');
    return `${trimZeros(mant)}e${exp}`;
  }
  return trimZeros(x.toPrecision(digits));
}

function trimZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/\.?0+$/, '');
}

export function shapeLabel(shape: Shape): string {
  if (shape.length === 0) return 'scalar';
  return shape.join('×');
}

/** Python-like shape tuple: (), (3,), (2, 3). */
export function shapeTuple(shape: Shape): string {
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Compact one-line form for descriptions and inline hints: a scalar as a number, a short vector as
 * [a, b, c], anything larger as its shape plus the first values.
 */
export function formatCompact(t: TensorView, maxValues = 4): string {
  const n = t.data.length;
  if (t.shape.length === 0) return formatNumber(t.data[0]);
  const shown: string[] = [];
  for (let i = 0; i < Math.min(n, maxValues); i++) shown.push(formatNumber(t.data[i], 4));
  const more = n > maxValues ? ', …' : '';
  if (t.shape.length === 1) return `[${shown.join(', ')}${more}]`;
  if (n <= maxValues && t.shape.length === 2) {
    const [r, c] = t.shape;
    const rows: string[] = [];
    for (let i = 0; i < r; i++) {
      const row: string[] = [];
      for (let j = 0; j < c; j++) row.push(formatNumber(t.data[i * c + j], 4));
      rows.push(`[${row.join(', ')}]`);
    }
    return `[${rows.join(', ')}]`;
  }
  return `${shapeLabel(t.shape)} [${shown.join(', ')}${more}]`;
}

/** "715 · ∂ 1", "1.1", "∂ 650", "" — value and gradient as one short description. */
export function formatValueAndGrad(value: TensorView | undefined, grad: TensorView | undefined): string {
  const parts: string[] = [];
  if (value) parts.push(formatCompact(value));
  if (grad) parts.push(`∂ ${formatCompact(grad)}`);
  return parts.join(' · ');
}

/** Full-precision JSON of a value, exactly as the webview's data- attributes hold it. */
export function toNested(t: TensorView): NestedArray {
  if (t.shape.length === 0) return t.data[0];
  if (t.shape.length === 1) return Array.from(t.data);
  const [r, c] = t.shape;
  const out: number[][] = [];
  for (let i = 0; i < r; i++) {
    const row: number[] = [];
    for (let j = 0; j < c; j++) row.push(t.data[i * c + j]);
    out.push(row);
  }
  return out;
}

/**
 * Escapes text (a name, a label, a message) for a Markdown table cell or inline text: `__proto__`
 * stays `__proto__`, `$(x)` is not a theme icon, `&amp;` not an entity, and a line break no new block.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>~$&-]/g, (ch) => `\\${ch}`).replace(/\r\n|\r|\n/g, ' ');
}

/**
 * A tensor as Markdown: a scalar inline, a vector or matrix as a table (large ones cut with “…”
 * after `maxRows` × `maxCols`).
 */
export function tensorMarkdown(t: TensorView, maxRows = 8, maxCols = 8): string {
  if (t.shape.length === 0) return `\`${formatNumber(t.data[0], 10)}\``;
  const [rows, cols] = t.shape.length === 1 ? [1, t.shape[0]] : [t.shape[0], t.shape[1]];
  if (rows * cols === 0) return '`[]`';
  const shownCols = Math.min(cols, maxCols);
  const shownRows = Math.min(rows, maxRows);
  const header = ['', ...Array.from({ length: shownCols }, (_, j) => String(j))];
  if (cols > shownCols) header.push('…');
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---:').join('|')}|`];
  for (let i = 0; i < shownRows; i++) {
    const cells = [`**${i}**`];
    for (let j = 0; j < shownCols; j++) cells.push(formatNumber(t.data[i * cols + j], 6));
    if (cols > shownCols) cells.push('…');
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (rows > shownRows) lines.push(`| … |${' |'.repeat(header.length - 1)}`);
  return lines.join('\n');
}

/**
 * A value as a debugger shows it in one line: a scalar as a number (`930`), a vector as
 * `[1, 2, 3]`, a matrix as its shape and its first rows (`2×3 [[10, 14, 18], …]`). At most
 * `maxValues` numbers are written; a cut vector starts with its length (`100 [1, 2, 3, 4, …]`).
 */
export function formatSummary(t: TensorView, maxValues = 4): string {
  if (t.shape.length === 0) return formatNumber(t.data[0]);
  const n = t.data.length;
  const cell = (i: number): string => formatNumber(t.data[i], 4);
  if (t.shape.length === 1) {
    const shown = Array.from({ length: Math.min(n, maxValues) }, (_, i) => cell(i));
    return n > maxValues ? `${n} [${shown.join(', ')}, …]` : `[${shown.join(', ')}]`;
  }
  const [rows, cols] = t.shape;
  const parts: string[] = [];
  let budget = maxValues;
  for (let i = 0; i < rows; i++) {
    if (i > 0 && budget < cols) {
      parts.push('…');
      break;
    }
    const take = Math.min(cols, Math.max(budget, 1));
    const row = Array.from({ length: take }, (_, j) => cell(i * cols + j));
    parts.push(`[${row.join(', ')}${take < cols ? ', …' : ''}]`);
    budget -= take;
    if (take < cols) {
      if (i + 1 < rows) parts.push('…');
      break;
    }
  }
  return `${shapeLabel(t.shape)} [${parts.join(', ')}]`;
}
