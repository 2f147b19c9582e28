/** Turning the protocol's `TensorData` into JSON for the DOM contract and into text like the book's. */
import type { TensorData } from '../src/shared/protocol';

/** A tensor as plain nested arrays (the same form as the engine's `toNested`). */
export type Nested = number | Nested[];

export function toNested(t: TensorData): Nested {
  if (t.shape.length === 0) return t.data[0] ?? NaN;
  const build = (axis: number, offset: number): Nested[] => {
    const n = t.shape[axis];
    const stride = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const out: Nested[] = [];
    for (let i = 0; i < n; i++) {
      out.push(axis === t.shape.length - 1 ? t.data[offset + i] : build(axis + 1, offset + i * stride));
    }
    return out;
  };
  return build(0, 0);
}

/** Full-precision JSON, as tests read it from `data-value` / `data-grad`. */
export function tensorJson(t: TensorData): string {
  return JSON.stringify(toNested(t));
}

/**
 * A number as the book prints it: 220, 2.2, 110 (not 110.00000000000001), 0.0023, 1.2e-7.
 * Six significant digits are enough to read; the full value is in the data attributes and tooltip.
 */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  let text: string;
  if (abs >= 1e6 || abs < 1e-4) {
    const [mant, exp] = v.toExponential(3).split('e');
    text = `${String(Number(mant))}e${exp.replace('+', '')}`;
  } else {
    text = String(Number(v.toPrecision(6)));
  }
  return text.replace(/^-/, '−');
}

export function shapeText(shape: readonly number[]): string {
  return shape.length === 0 ? '' : shape.join('×');
}

export function tensorSize(t: TensorData): number {
  return t.data.length;
}

/** Short text for a label on an edge: a scalar, a tiny vector, or undefined when a shape chip fits better. */
export function inlineText(t: TensorData): string | undefined {
  if (t.shape.length === 0) return formatNumber(t.data[0]);
  if (t.shape.length === 1 && t.data.length <= 3) return `[${t.data.map(formatNumber).join(', ')}]`;
  if (t.data.length === 1) return formatNumber(t.data[0]);
  return undefined;
}

/** Most rows and columns written out on an edge, as the book writes small tensors; more is a shape badge. */
export const INLINE_ROWS = 3;
export const INLINE_COLS = 3;
/** A vector up to this long is written out too, in lines of `INLINE_COLS`. */
export const INLINE_VECTOR = 6;
/** Widest number `labelNumber` writes, in characters ("−6.8e-8", "−0.0123"). */
export const LABEL_NUMBER_CHARS = 7;

/**
 * A number rounded for an edge label, at most `LABEL_NUMBER_CHARS` characters: three significant
 * digits (0.25, 2.2, 110, 715, −0.333), two in exponent form for tiny or huge magnitudes.
 */
export function labelNumber(v: number): string {
  if (!Number.isFinite(v) || v === 0) return formatNumber(v);
  const abs = Math.abs(v);
  let text: string;
  if (abs >= 1e4 || abs < 0.01) {
    const [mant, exp] = v.toExponential(1).split('e');
    text = `${String(Number(mant))}e${exp.replace('+', '')}`;
  } else {
    text = String(Number(v.toPrecision(3)));
  }
  return text.replace(/^-/, '−');
}

/** How a tensor of this shape is written on an edge: rows × columns of numbers, or undefined for a badge. */
export function inlineGrid(shape: readonly number[]): { rows: number; cols: number; nested: boolean } | undefined {
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length === 0 || size === 1) return { rows: 1, cols: 1, nested: false };
  if (shape.length === 1) return size <= INLINE_VECTOR ? { rows: Math.ceil(size / INLINE_COLS), cols: Math.min(size, INLINE_COLS), nested: false } : undefined;
  if (shape.length === 2 && shape[0] <= INLINE_ROWS && shape[1] <= INLINE_COLS) return { rows: shape[0], cols: shape[1], nested: true };
  return undefined;
}

/**
 * A small tensor written as the book writes it, one string per drawn line: `0.25`, `[1, 2, 3]`,
 * `[[1, −0.5],` / ` [−2, 3]]`. Undefined when the tensor is too big (a shape badge instead).
 */
export function labelLines(t: TensorData): string[] | undefined {
  const grid = inlineGrid(t.shape);
  if (!grid) return undefined;
  const size = t.data.length;
  if (t.shape.length === 0 || size === 1) return [labelNumber(t.data[0])];
  const cells = t.data.map(labelNumber);
  const lines: string[] = [];
  if (!grid.nested) {
    for (let r = 0; r < grid.rows; r++) {
      const row = cells.slice(r * grid.cols, (r + 1) * grid.cols).join(', ');
      lines.push(`${r === 0 ? '[' : ' '}${row}${r === grid.rows - 1 ? ']' : ','}`);
    }
    return lines;
  }
  for (let r = 0; r < grid.rows; r++) {
    const row = cells.slice(r * grid.cols, (r + 1) * grid.cols).join(', ');
    lines.push(`${r === 0 ? '[[' : ' ['}${row}]${r === grid.rows - 1 ? ']' : ','}`);
  }
  return lines;
}

/** The widest line `labelLines` can write for a shape (its worst case, for the layout). */
export function labelWidestLine(shape: readonly number[]): string | undefined {
  const grid = inlineGrid(shape);
  if (!grid) return undefined;
  const cell = '0'.repeat(LABEL_NUMBER_CHARS);
  const row = Array.from({ length: grid.cols }, () => cell).join(', ');
  if (grid.rows === 1 && grid.cols === 1) return cell;
  return grid.nested ? `[[${row}]]` : `[${row}]`;
}

/** Multi-line preview for tooltips: at most a few rows and columns. */
export function previewText(t: TensorData, maxRows = 6, maxCols = 6): string {
  if (t.shape.length === 0) return String(t.data[0]);
  const rows = t.shape.length === 1 ? 1 : t.shape[0];
  const cols = t.shape.length === 1 ? t.shape[0] : t.data.length / Math.max(1, rows);
  const lines: string[] = [`(${t.shape.join(', ')})`];
  for (let r = 0; r < Math.min(rows, maxRows); r++) {
    const cells: string[] = [];
    for (let c = 0; c < Math.min(cols, maxCols); c++) cells.push(formatNumber(t.data[r * cols + c]));
    if (cols > maxCols) cells.push('…');
    lines.push(`[${cells.join(', ')}]`);
  }
  if (rows > maxRows) lines.push('…');
  return lines.join('\n');
}

/** Largest absolute finite value, for a symmetric colour scale. */
export function maxAbs(t: TensorData): number {
  let m = 0;
  for (const v of t.data) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}
