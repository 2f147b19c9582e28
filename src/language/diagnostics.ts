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

/** Longest name that gets a "did you mean" search: beyond it a typo is not the likely story. */
export const MAX_SUGGESTION_NAME_LENGTH = 64;

/** Largest edit distance any suggestion allows (see `nearestName`). */
const MAX_SUGGESTION_DISTANCE = 3;

/**
 * Edit distance of `a` and `b` when it is at most `max`, else `max + 1`: Levenshtein restricted
 * to the band |i − j| ≤ max (cells outside it are already more than `max` apart), stopping as
 * soon as a whole row is over `max`. Costs O(min(|a|, |b|) · max) instead of O(|a| · |b|).
 * `cells`, when given, is charged one per cell computed.
 */
export function boundedEditDistance(a: string, b: string, max: number, cells?: { used: number }): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const over = max + 1;
  let prev = new Array<number>(b.length + 1).fill(over);
  let cur = new Array<number>(b.length + 1).fill(over);
  for (let j = 0; j <= Math.min(b.length, max); j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(b.length, i + max);
    // Only the band is computed: the cells just outside it must read as "too far".
    cur[0] = i <= max ? i : over;
    if (lo > 1) cur[lo - 1] = over;
    if (hi < b.length) cur[hi + 1] = over;
    let rowMin = cur[0];
    for (let j = lo; j <= hi; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur[j] = v > over ? over : v;
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (cells) cells.used += hi - lo + 1;
    if (rowMin > max) return over;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length], over);
}

/** Cells of edit-distance work one compile may spend on suggestions (a few milliseconds). */
export const MAX_SUGGESTION_WORK = 2_000_000;

/**
 * The candidate nearest to `name`, if it is close enough to be a plausible typo. Bounded: names
 * longer than MAX_SUGGESTION_NAME_LENGTH get no search, the distance is banded, and `budget` (shared
 * by every search of one compile) stops searching once MAX_SUGGESTION_WORK cells are spent.
 */
export function nearestName(name: string, candidates: Iterable<string>, budget: { used: number } = { used: 0 }): string | undefined {
  if (name.length > MAX_SUGGESTION_NAME_LENGTH) return undefined;
  let best: string | undefined;
  let bestDist = Infinity;
  const lower = name.toLowerCase();
  const list: string[] = [];
  for (const c of candidates) if (c.length <= MAX_SUGGESTION_NAME_LENGTH) list.push(c);
  for (const c of list) {
    if (budget.used > MAX_SUGGESTION_WORK) return undefined;
    const limit = c.length <= 4 ? 1 : c.length <= 7 ? 2 : MAX_SUGGESTION_DISTANCE;
    const d = boundedEditDistance(lower, c.toLowerCase(), Math.min(limit, bestDist - 1), budget);
    if (d <= limit && d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  if (best !== undefined) return best;
  // `softmax(` for `softmax_with_loss(`: a prefix of a long name is a plausible slip too.
  if (lower.length >= 3) {
    for (const c of list) if (c.toLowerCase().startsWith(lower)) return c;
  }
  return undefined;
}

/**
 * Letters of other scripts that look like Latin ones (a few common ones from Cyrillic and Greek,
 * as a Korean or Russian keyboard layout or a PDF can produce them).
 */
const LOOKALIKES: ReadonlyMap<string, { latin: string; script: string }> = new Map(
  (
    [
      ['а', 'a', 'Cyrillic'], ['е', 'e', 'Cyrillic'], ['о', 'o', 'Cyrillic'], ['р', 'p', 'Cyrillic'], ['с', 'c', 'Cyrillic'],
      ['у', 'y', 'Cyrillic'], ['х', 'x', 'Cyrillic'], ['і', 'i', 'Cyrillic'], ['ј', 'j', 'Cyrillic'], ['ѕ', 's', 'Cyrillic'],
      ['А', 'A', 'Cyrillic'], ['В', 'B', 'Cyrillic'], ['Е', 'E', 'Cyrillic'], ['К', 'K', 'Cyrillic'], ['М', 'M', 'Cyrillic'],
      ['Н', 'H', 'Cyrillic'], ['О', 'O', 'Cyrillic'], ['Р', 'P', 'Cyrillic'], ['С', 'C', 'Cyrillic'], ['Т', 'T', 'Cyrillic'],
      ['Х', 'X', 'Cyrillic'], ['У', 'Y', 'Cyrillic'], ['ο', 'o', 'Greek'], ['ν', 'v', 'Greek'], ['Α', 'A', 'Greek'],
      ['Β', 'B', 'Greek'], ['Ε', 'E', 'Greek'], ['Ζ', 'Z', 'Greek'], ['Η', 'H', 'Greek'], ['Ι', 'I', 'Greek'], ['Κ', 'K', 'Greek'],
      ['Μ', 'M', 'Greek'], ['Ν', 'N', 'Greek'], ['Ο', 'O', 'Greek'], ['Ρ', 'P', 'Greek'], ['Τ', 'T', 'Greek'], ['Υ', 'Y', 'Greek'], ['Χ', 'X', 'Greek'],
    ] as const
  ).map(([c, latin, script]) => [c, { latin, script }]),
);

const COMBINING = /\p{M}/u;

function codePoint(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What a name looks like once the differences a reader cannot see are removed. */
function skeleton(name: string): string {
  let out = '';
  for (const c of name.normalize('NFKD')) {
    if (COMBINING.test(c)) continue;
    out += LOOKALIKES.get(c)?.latin ?? c;
  }
  return out;
}

/** Why `name` looks like another name but is not it: its first invisible difference. */
function invisibleDifference(name: string): string | undefined {
  for (const c of name) {
    if (COMBINING.test(c)) return `a combining accent (${codePoint(c)})`;
    const lookalike = LOOKALIKES.get(c);
    if (lookalike) return `the ${lookalike.script} letter '${c}' (${codePoint(c)}), which looks like the Latin '${lookalike.latin}'`;
    if (c.normalize('NFKC') !== c) return `the compatibility character '${c}' (${codePoint(c)}), a variant of '${c.normalize('NFKC')}'`;
  }
  return undefined;
}

/**
 * For an undefined name that looks the same as a defined one (after Unicode NFC the two still
 * differ): a sentence naming the difference, e.g. "'x́' here is spelled with a combining accent
 * (U+0301), unlike the defined 'x'". Undefined when no candidate looks alike.
 */
export function confusableNote(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length > MAX_SUGGESTION_NAME_LENGTH) return undefined;
  const key = skeleton(name);
  for (const c of candidates) {
    if (c === name || c.length > MAX_SUGGESTION_NAME_LENGTH || skeleton(c) !== key) continue;
    const here = invisibleDifference(name);
    if (here) return `'${name}' here is spelled with ${here}, unlike the defined '${c}'`;
    const there = invisibleDifference(c);
    return `it looks like the defined '${c}', but that one is spelled with ${there ?? 'different characters'}`;
  }
  return undefined;
}
