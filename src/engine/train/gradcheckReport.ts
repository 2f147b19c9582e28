/**
 * A compact, serialisable summary of the engine's gradient check, for the panel, the worker
 * messages and the CLI: per leaf the max and mean absolute difference, its shape, and the worst
 * elements (where backprop and the numerical gradient disagree most).
 */
import type { GradientCheckResult } from '../numgrad';

export interface WorstEntry {
  /** Row-major index into the leaf, and its (row, col) for a matrix / (i) for a vector. */
  index: number;
  position: number[];
  backprop: number;
  numerical: number;
  absDiff: number;
}

export interface LeafReport {
  label: string;
  shape: number[];
  size: number;
  /** Elements compared: `size`, or a seeded sample of a leaf too large to check in full. */
  checked: number;
  sampled: boolean;
  maxAbsDiff: number;
  meanAbsDiff: number;
  worst: WorstEntry[];
}

export interface GradCheckReport {
  fileName: string;
  leaves: LeafReport[];
  /** Parameters checked (elements of every non-constant leaf). */
  parameters: number;
  numericalMs: number;
  backpropMs: number;
  /** numericalMs / backpropMs: how many times slower the numerical gradient is. */
  ratio: number;
  /** Largest max-abs-diff over all leaves. */
  maxAbsDiff: number;
  /** The label of the leaf with the largest difference (null when there are no leaves). */
  worstLeaf: string | null;
  h: number;
}

/** The threshold the book's check is read against: differences this small mean backprop is right. */
export const GOOD_DIFF = 1e-6;

export function summarizeGradientCheck(result: GradientCheckResult, fileName: string, h: number, worstPerLeaf = 5): GradCheckReport {
  const leaves: LeafReport[] = result.leaves.map((l) => {
    const shape = [...l.numerical.shape];
    const diffs: WorstEntry[] = [];
    const indices = l.sampledIndices;
    const count = indices ? indices.length : l.numerical.size;
    for (let k = 0; k < count; k++) {
      const i = indices ? indices[k] : k;
      const b = l.backprop.data[i];
      const n = l.numerical.data[i];
      const d = Math.abs(b - n);
      const entry: WorstEntry = { index: i, position: positionOf(i, shape), backprop: b, numerical: n, absDiff: d };
      insertWorst(diffs, entry, worstPerLeaf);
    }
    return { label: l.label, shape, size: l.numerical.size, checked: l.checked, sampled: indices !== undefined, maxAbsDiff: l.maxAbsDiff, meanAbsDiff: l.meanAbsDiff, worst: diffs };
  });
  let max = 0;
  let worstLeaf: string | null = null;
  for (const l of leaves) {
    if (worstLeaf === null || !(l.maxAbsDiff <= max)) {
      max = l.maxAbsDiff;
      worstLeaf = l.label;
    }
  }
  return {
    fileName,
    leaves,
    parameters: leaves.reduce((n, l) => n + l.size, 0),
    numericalMs: result.numericalMs,
    backpropMs: result.backpropMs,
    ratio: result.backpropMs > 0 ? result.numericalMs / result.backpropMs : Infinity,
    maxAbsDiff: max,
    worstLeaf,
    h,
  };
}

function positionOf(i: number, shape: number[]): number[] {
  if (shape.length === 2) return [Math.floor(i / shape[1]), i % shape[1]];
  if (shape.length === 1) return [i];
  return [];
}

/** Keeps `list` as the `k` largest by absDiff (NaN counts as largest), sorted descending. */
function insertWorst(list: WorstEntry[], e: WorstEntry, k: number): void {
  const key = (x: WorstEntry): number => (Number.isNaN(x.absDiff) ? Infinity : x.absDiff);
  if (list.length === k && key(e) <= key(list[list.length - 1])) return;
  let at = list.length;
  while (at > 0 && key(list[at - 1]) < key(e)) at--;
  list.splice(at, 0, e);
  if (list.length > k) list.pop();
}
