/**
 * Numbers and tensors printed the way numpy prints them (numpy ≥ 1.14 defaults: precision 8,
 * floatmode 'maxprec', line width 75, arrays over 1000 elements summarised with 3 edge items),
 * so the CLI's output can be set beside the book's.
 *
 * Scalars follow Python's float repr: 220.00000000000003, 2.2, 1e-05, 100.0.
 */
import type { Tensor } from '../engine/tensor';

const PRECISION = 8;
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/** Python's `repr(float)`: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function formatScalar(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const s = positionalShortest(x);
  return s.includes('.') ? s : `${s}.0`;
}

/** Shortest round-trip positional digits (JS switches to exponent form outside 1e-7 … 1e21). */
function positionalShortest(x: number): string {
  const s = String(x);
  if (!s.includes('e')) return s;
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= 0) {
    out = digits.length <= exp + 1 ? digits + '0'.repeat(exp + 1 - digits.length) : `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return negative ? `-${out}` : out;
}

/** numpy's dragon4_positional(unique=True, precision=8, trim='.'): e.g. "1.", "-0.5", "110.". */
function positional(x: number): string {
  let s = positionalShortest(x);
  const dot = s.indexOf('.');
  if (dot >= 0 && s.length - dot - 1 > PRECISION) {
    s = x.toFixed(PRECISION).replace(/0+$/, '');
  }
  if (!s.includes('.')) s += '.';
  if (s === '-0.') return '-0.';
  return s;
}

/** numpy's dragon4_scientific(unique=True, precision=8, trim='.'): mantissa digits and exponent. */
function scientific(x: number): { int: string; frac: string; exp: number } {
  let [mantissa, expText] = x.toExponential().split('e');
  const dot = mantissa.indexOf('.');
  if (dot >= 0 && mantissa.length - dot - 1 > PRECISION) {
    [mantissa, expText] = x.toExponential(PRECISION).split('e');
    mantissa = mantissa.replace(/0+$/, '').replace(/\.$/, '');
  }
  const [int, frac = ''] = mantissa.split('.');
  return { int, frac, exp: Number(expText) };
}

/** Formats every value of an array so they line up, as numpy's FloatingFormat does. */
function elementFormatter(values: readonly number[]): (x: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const nonZero = finite.filter((v) => v !== 0).map(Math.abs);
  let expFormat = false;
  if (nonZero.length > 0) {
    const max = Math.max(...nonZero);
    const min = Math.min(...nonZero);
    expFormat = max >= 1e8 || min < 1e-4 || max / min > 1e3;
  }
  let body: (x: number) => string;
  if (expFormat) {
    const parts = finite.map(scientific);
    const padLeft = Math.max(0, ...parts.map((p) => p.int.length));
    const precision = Math.max(0, ...parts.map((p) => p.frac.length));
    const expSize = Math.max(2, ...parts.map((p) => String(Math.abs(p.exp)).length));
    body = (x) => {
      const p = scientific(x);
      const exp = `e${p.exp < 0 ? '-' : '+'}${String(Math.abs(p.exp)).padStart(expSize, '0')}`;
      return `${p.int.padStart(padLeft)}.${p.frac.padEnd(precision, '0')}${exp}`;
    };
  } else {
    const parts = finite.map((v) => positional(v).split('.'));
    let padLeft = Math.max(0, ...parts.map((p) => p[0].length));
    const padRight = Math.max(0, ...parts.map((p) => p[1].length));
    if (finite.length !== values.length) {
      // numpy widens the integer part so 'nan' / 'inf' / '-inf' fit the same column width.
      const negInf = values.some((v) => v === -Infinity) ? 1 : 0;
      padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + negInf - (padRight + 1));
    }
    body = (x) => {
      const [int, frac] = positional(x).split('.');
      return `${int.padStart(padLeft)}.${frac.padEnd(padRight)}`;
    };
  }
  const width = finite.length > 0 ? body(finite[0]).length : 3;
  return (x) => {
    if (Number.isFinite(x)) return body(x);
    const s = Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
    return s.padStart(width);
  };
}

/** Indices to show along an axis of length n: all, or the edges with a gap marker (-1). */
function shownIndices(n: number, summarise: boolean): number[] {
  if (!summarise || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
  const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i);
  return [...head, -1, ...tail];
}

/**
 * One row `[a b c]` as lines, wrapped the way numpy's `_formatArray` wraps: the row starts with
 * `prefix` (depth characters such as `[[` or ` [`), continuation lines with depth spaces, and a
 * word moves to the next line when the line, its separator and the word pass `75 - depth`.
 */
function formatRow(words: readonly string[], prefix: string, closing: string): string[] {
  const depth = prefix.length;
  const limit = LINE_WIDTH - depth;
  const lines: string[] = [];
  let line = prefix;
  words.forEach((w, i) => {
    if (i > 0 && line.length + 1 + w.length > limit && line.length > depth) {
      lines.push(line.trimEnd());
      line = ' '.repeat(depth) + w;
    } else {
      line += (i === 0 ? '' : ' ') + w;
    }
  });
  lines.push(line + closing);
  return lines;
}

/**
 * A tensor as numpy prints it: `220.00000000000003`, `[10. 14. 18.]`, `[[ 1.  -0.5]\n [-2.   3. ]]`.
 * `indent` is the column the first line starts at (after a label): later lines are indented by it.
 */
export function formatTensor(t: Tensor, indent = ''): string {
  if (t.rank === 0) return formatScalar(t.data[0]);
  const summarise = t.size > THRESHOLD;
  let lines: string[];
  if (t.rank === 1) {
    const idx = shownIndices(t.shape[0], summarise);
    const fmt = elementFormatter(idx.filter((i) => i >= 0).map((i) => t.data[i]));
    lines = formatRow(idx.map((i) => (i < 0 ? '...' : fmt(t.data[i]))), '[', ']');
  } else {
    const [rows, cols] = t.shape;
    const rowIdx = shownIndices(rows, summarise);
    const colIdx = shownIndices(cols, summarise);
    const shown: number[] = [];
    for (const r of rowIdx) if (r >= 0) for (const c of colIdx) if (c >= 0) shown.push(t.data[r * cols + c]);
    const fmt = elementFormatter(shown);
    lines = [];
    rowIdx.forEach((r, k) => {
      const prefix = k === 0 ? '[[' : ' [';
      const closing = k === rowIdx.length - 1 ? ']]' : ']';
      if (r < 0) {
        lines.push(' ...');
        return;
      }
      const words = colIdx.map((c) => (c < 0 ? '...' : fmt(t.data[r * cols + c])));
      lines.push(...formatRow(words, prefix, closing));
    });
  }
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}
