/**
 * Shape rules the ops share, before anything runs: numpy broadcasting and matrix products.
 *
 * Pure functions: the language checks a program with them (through `inferShape` in layers/, so a
 * shape mismatch is reported at the right line and column), and the engine uses them to size its
 * outputs. Each op's own rule is in its layer's spec. Error messages are written for a student
 * reading chapter 5, e.g.
 * "shapes (1, 2) and (1, 2) cannot be matrix-multiplied: inner sizes 2 and 1 differ".
 */
import { shapeToString, type Shape } from './tensor';

export type { Shape };

/** The largest rank the engine supports: scalars, vectors and matrices. */
export const MAX_RANK = 2;

export type ShapeResult = { shape: Shape } | { error: string };

/** What a node gives its shape rule and its layer besides the inputs. */
export interface ShapeAttrs {
  /** `pow` only: the constant exponent. */
  exponent?: number;
}

/**
 * numpy broadcasting: align the shapes on the right; two sizes fit when they are equal or one
 * of them is 1. Returns the result shape, or a message when they do not fit.
 */
export function broadcastShapes(a: Shape, b: Shape): Shape | string {
  const rank = Math.max(a.length, b.length);
  const out: number[] = new Array<number>(rank);
  for (let i = 1; i <= rank; i++) {
    const da = i <= a.length ? a[a.length - i] : 1;
    const db = i <= b.length ? b[b.length - i] : 1;
    if (da === db || db === 1) out[rank - i] = da;
    else if (da === 1) out[rank - i] = db;
    else {
      return `shapes ${shapeToString(a)} and ${shapeToString(b)} cannot be broadcast together: sizes ${da} and ${db} differ`;
    }
  }
  return out;
}

/** numpy's matmul for 1-D and 2-D operands: a vector on the left is a row, on the right a column. */
export function matmulShape(a: Shape, b: Shape): Shape | string {
  if (a.length === 0 || b.length === 0) {
    const which = a.length === 0 ? 'left' : 'right';
    return `@ needs vectors or matrices, but the ${which} operand is a scalar (use * to multiply by a number)`;
  }
  if (a.length > MAX_RANK || b.length > MAX_RANK) return `@ supports only vectors and matrices`;
  const inner = a[a.length - 1];
  const innerB = b[0]; // b's first size (a vector on the right is a column)
  if (inner !== innerB) {
    return `shapes ${shapeToString(a)} and ${shapeToString(b)} cannot be matrix-multiplied: inner sizes ${inner} and ${innerB} differ`;
  }
  const out: number[] = [];
  if (a.length === 2) out.push(a[0]);
  if (b.length === 2) out.push(b[1]);
  return out;
}
