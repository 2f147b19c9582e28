/**
 * Tensor operations for the layers: numpy-style broadcasting (rank ≤ 2), elementwise maps,
 * reductions, transpose and matrix products (through `gemm`).
 *
 * Every function returns a fresh tensor and never mutates its inputs: the stepper keeps the
 * tensors it has shown, so they must stay as they were.
 */
import { gemm } from './kernels/index';
import { broadcastShapes, matmulShape } from './shapes';
import { Tensor, sameShape, shapeSize, shapeToString, type Shape } from './tensor';

/** The same values seen with another shape of equal size (shares the data; never write to it). */
export function reshape(t: Tensor, shape: Shape): Tensor {
  if (shapeSize(shape) !== t.size) {
    throw new Error(`cannot reshape ${shapeToString(t.shape)} into ${shapeToString(shape)}`);
  }
  return new Tensor(shape, t.data);
}

/** Rows and columns of a tensor seen as a matrix with leading sizes of 1 (rank ≤ 2). */
function asMatrixDims(shape: Shape): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [1, shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  throw new Error(`shape ${shapeToString(shape)} has rank ${shape.length}; only rank ≤ 2 is supported`);
}

/** Applies `f` to every value. */
export function map(a: Tensor, f: (x: number) => number): Tensor {
  const out = new Float64Array(a.size);
  const d = a.data;
  for (let i = 0; i < out.length; i++) out[i] = f(d[i]);
  return new Tensor(a.shape, out);
}

/** Applies `f` to the values of two tensors of the same shape, position by position (no broadcasting). */
export function zipSame(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  if (!sameShape(a.shape, b.shape)) {
    throw new Error(`shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)} differ`);
  }
  const out = new Float64Array(a.size);
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < out.length; i++) out[i] = f(x[i], y[i]);
  return new Tensor(a.shape, out);
}

/** Elementwise `f(a, b)` with numpy broadcasting. */
export function broadcastBinary(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  if (sameShape(a.shape, b.shape)) return zipSame(a, b, f);
  const shape = broadcastShapes(a.shape, b.shape);
  if (typeof shape === 'string') throw new Error(shape);
  const [rows, cols] = asMatrixDims(shape);
  const [ar, ac] = asMatrixDims(a.shape);
  const [br, bc] = asMatrixDims(b.shape);
  // A size of 1 that is stretched is read with stride 0.
  const aRowStride = ar === 1 ? 0 : ac;
  const aColStride = ac === 1 ? 0 : 1;
  const bRowStride = br === 1 ? 0 : bc;
  const bColStride = bc === 1 ? 0 : 1;
  const out = new Float64Array(rows * cols);
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < rows; i++) {
    const ao = i * aRowStride;
    const bo = i * bRowStride;
    const oo = i * cols;
    for (let j = 0; j < cols; j++) out[oo + j] = f(x[ao + j * aColStride], y[bo + j * bColStride]);
  }
  return new Tensor(shape, out);
}

/**
 * Position in an operand of shape `inShape` that element `index` of a broadcast result of shape
 * `outShape` was computed from (a stretched size of 1 is read at 0).
 */
export function broadcastSource(outShape: Shape, inShape: Shape, index: number): number {
  const [, cols] = asMatrixDims(outShape);
  const [r, c] = asMatrixDims(inShape);
  const i = Math.floor(index / cols);
  const j = index % cols;
  return (r === 1 ? 0 : i) * c + (c === 1 ? 0 : j);
}

/**
 * One factor of the chain rule, upstream gradient × local derivative, with a "strong zero": where
 * the upstream gradient is exactly 0 the result is 0, even when the local derivative is infinite.
 * A zero upstream gradient means the output does not change along this path, so no slope of this
 * node can make it change; IEEE's 0 · ∞ = NaN would say otherwise. (The expanded sigmoid of
 * x = −800: exp(800) overflows to ∞, 1/(1 + ∞) = 0 sends back 0, and 0 · exp(800) must be 0.)
 */
export function chainFactor(d: number, local: number): number {
  return d === 0 ? 0 : d * local;
}

/** Elementwise `chainFactor(dout, local)` with broadcasting. */
export const chain = (dout: Tensor, local: Tensor): Tensor => broadcastBinary(dout, local, chainFactor);

export const add = (a: Tensor, b: Tensor): Tensor => broadcastBinary(a, b, (x, y) => x + y);
export const sub = (a: Tensor, b: Tensor): Tensor => broadcastBinary(a, b, (x, y) => x - y);
export const mul = (a: Tensor, b: Tensor): Tensor => broadcastBinary(a, b, (x, y) => x * y);
export const div = (a: Tensor, b: Tensor): Tensor => broadcastBinary(a, b, (x, y) => x / y);
export const scale = (a: Tensor, s: number): Tensor => map(a, (x) => x * s);
export const neg = (a: Tensor): Tensor => map(a, (x) => -x);

/** Sum of all values. */
export function sumAll(a: Tensor): number {
  let s = 0;
  const d = a.data;
  for (let i = 0; i < d.length; i++) s += d[i];
  return s;
}

/**
 * Reduces a gradient of a broadcast result back to the shape of one operand: sums over every
 * axis that broadcasting stretched (e.g. the batched-Affine bias gradient is the column sum over
 * axis 0). Always returns a fresh tensor, even when nothing needs summing.
 */
export function sumTo(grad: Tensor, shape: Shape): Tensor {
  if (sameShape(grad.shape, shape)) return grad.clone();
  const check = broadcastShapes(shape, grad.shape);
  if (typeof check === 'string' || !sameShape(check, grad.shape)) {
    throw new Error(`cannot sum a gradient of shape ${shapeToString(grad.shape)} down to ${shapeToString(shape)}`);
  }
  const [rows, cols] = asMatrixDims(grad.shape);
  const [tr, tc] = asMatrixDims(shape);
  const out = new Float64Array(tr * tc);
  const g = grad.data;
  for (let i = 0; i < rows; i++) {
    const oi = tr === 1 ? 0 : i * tc;
    const gi = i * cols;
    if (tc === 1) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += g[gi + j];
      out[oi] += s;
    } else {
      for (let j = 0; j < cols; j++) out[oi + j] += g[gi + j];
    }
  }
  return new Tensor(shape, out);
}

/** Matrix transpose; scalars and vectors are returned as copies (numpy's `.T` leaves them alone). */
export function transpose(a: Tensor): Tensor {
  if (a.rank < 2) return a.clone();
  const [r, c] = a.shape;
  const out = new Float64Array(r * c);
  const d = a.data;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = d[i * c + j];
  return new Tensor([c, r], out);
}

/**
 * Matrix product of 2-D operands given as (rows, cols) with optional transposes, via `gemm`.
 * `transA`: a is stored k×m and used as m×k; `transB`: b is stored n×k and used as k×n.
 */
function gemmProduct(
  a: Float64Array,
  aDims: [number, number],
  transA: boolean,
  b: Float64Array,
  bDims: [number, number],
  transB: boolean,
): { data: Float64Array; rows: number; cols: number } {
  const m = transA ? aDims[1] : aDims[0];
  const k = transA ? aDims[0] : aDims[1];
  const kb = transB ? bDims[1] : bDims[0];
  const n = transB ? bDims[0] : bDims[1];
  if (k !== kb) throw new Error(`inner sizes ${k} and ${kb} differ`);
  const c = new Float64Array(m * n);
  gemm(transA, transB, m, n, k, a, b, c);
  return { data: c, rows: m, cols: n };
}

/** numpy's matmul for vectors and matrices: a vector on the left is a row, on the right a column. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const shape = matmulShape(a.shape, b.shape);
  if (typeof shape === 'string') throw new Error(shape);
  const aDims: [number, number] = a.rank === 1 ? [1, a.shape[0]] : [a.shape[0], a.shape[1]];
  const bDims: [number, number] = b.rank === 1 ? [b.shape[0], 1] : [b.shape[0], b.shape[1]];
  const { data } = gemmProduct(a.data, aDims, false, b.data, bDims, false);
  return new Tensor(shape, data);
}

/**
 * Gradients of y = a @ b (numpy rules, 1-D or 2-D): da = dout · bᵀ, db = aᵀ · dout, each in the
 * shape of its operand. Vectors are promoted (a to a row, b to a column) so one rule covers all cases.
 */
export function matmulBackward(a: Tensor, b: Tensor, dout: Tensor): [Tensor, Tensor] {
  const aDims: [number, number] = a.rank === 1 ? [1, a.shape[0]] : [a.shape[0], a.shape[1]];
  const bDims: [number, number] = b.rank === 1 ? [b.shape[0], 1] : [b.shape[0], b.shape[1]];
  const dDims: [number, number] = [aDims[0], bDims[1]];
  if (dout.size !== dDims[0] * dDims[1]) {
    throw new Error(`gradient of shape ${shapeToString(dout.shape)} does not fit a product of ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  }
  const da = gemmProduct(dout.data, dDims, false, b.data, bDims, true);
  const db = gemmProduct(a.data, aDims, true, dout.data, dDims, false);
  return [new Tensor(a.shape, da.data), new Tensor(b.shape, db.data)];
}

/** True when every value is a finite number. */
export function allFinite(a: Tensor): boolean {
  return firstNonFinite(a) < 0;
}

/** Index of the first value that is NaN or ±Infinity, or −1. */
export function firstNonFinite(a: Tensor): number {
  const d = a.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return i;
  return -1;
}
