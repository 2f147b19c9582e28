import type { SourcePosition, SourceRange } from '../engine/graph';

export type { SourcePosition, SourceRange };

/** A problem in a `.backprop` source, with a 1-based, end-exclusive range. */
export interface Diagnostic {
  message: string;
  range: SourceRange;
  severity: 'error' | 'warning';
}

export function rangeOf(start: SourceRange, end: SourceRange): SourceRange {
  return { start: start.start, end: end.end };
}

export function pointRange(p: SourcePosition): SourceRange {
  return { start: p, end: { line: p.line, column: p.column + 1 } };
}

/** Whether position `p` lies within `r` (start inclusive, end exclusive). */
export function containsPosition(r: SourceRange, p: SourcePosition): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.column >= r.start.column);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.column < r.end.column);
  return afterStart && beforeEnd;
}

/** Classic edit distance, for "did you mean …?" suggestions. Inputs are short names. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The candidate nearest to `name`, if it is close enough to be a plausible typo. */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  const lower = name.toLowerCase();
  const list = [...candidates]; // iterated twice below
  for (const c of list) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = best.length <= 4 ? 1 : best.length <= 7 ? 2 : 3;
  if (bestDist <= limit) return best;
  // `softmax(` for `softmax_with_loss(`: a prefix of a long name is a plausible slip too.
  if (lower.length >= 3) {
    for (const c of list) if (c.toLowerCase().startsWith(lower)) return c;
  }
  return undefined;
}
