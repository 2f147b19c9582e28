/**
 * Shape inference for every operation, before anything runs.
 *
 * Pure functions: the language checks a program with them (so a shape mismatch is reported at the
 * right line and column), and the engine uses them to size its outputs. Error messages are written
 * for a student reading chapter 5, e.g.
 * "shapes (1, 2) and (1, 2) cannot be matrix-multiplied: inner sizes 2 and 1 differ".
 */
import type { OpKind } from './graph';
import { labelForm } from './layers';
import { shapeToString, type Shape } from './tensor';

export type { Shape };

/**
 * Operations the engine computes from their inputs: everything except `leaf` (a given value) and
 * `custom` (a student's own layer, known only from a recording).
 */
export type OpWithInputs = Exclude<OpKind, 'leaf' | 'custom'>;

/** Number of inputs each operation takes. */
export const OP_ARITY: Record<OpWithInputs, number> = {
  add: 2,
  sub: 2,
  mul: 2,
  div: 2,
  neg: 1,
  pow: 1,
  exp: 1,
  log: 1,
  tanh: 1,
  relu: 1,
  sigmoid: 1,
  recip: 1,
  matmul: 2,
  sum: 1,
  mean: 1,
  affine: 3,
  softmax_with_loss: 2,
};

/** The largest rank the engine supports: scalars, vectors and matrices. */
export const MAX_RANK = 2;

export type ShapeResult = { shape: Shape } | { error: string };

export interface ShapeAttrs {
  /** `pow` only: the constant exponent. */
  exponent?: number;
}

const ELEMENTWISE_BINARY: ReadonlySet<OpKind> = new Set<OpKind>(['add', 'sub', 'mul', 'div']);
const ELEMENTWISE_UNARY: ReadonlySet<OpKind> = new Set<OpKind>([
  'neg',
  'pow',
  'exp',
  'log',
  'tanh',
  'relu',
  'sigmoid',
  'recip',
]);

/** What an operation is called in messages (the way the student wrote it). */
const OP_DISPLAY: Record<OpWithInputs, string> = {
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
  neg: 'unary -',
  pow: '**',
  exp: 'exp',
  log: 'log',
  tanh: 'tanh',
  relu: 'relu',
  sigmoid: 'sigmoid',
  recip: '1/x',
  matmul: '@',
  sum: 'sum',
  mean: 'mean',
  affine: 'affine',
  softmax_with_loss: 'softmax_with_loss',
};

export function isOpWithInputs(op: OpKind): op is OpWithInputs {
  return op !== 'leaf' && op !== 'custom';
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

function affineShape(x: Shape, w: Shape, b: Shape): Shape | string {
  if (w.length !== 2) {
    return `affine(x, W, b): W must be a matrix (D, M), but its shape is ${shapeToString(w)}`;
  }
  const [d, m] = w;
  if (x.length !== 1 && x.length !== 2) {
    return `affine(x, W, b): x must be a vector (D,) or a batch (N, D), but its shape is ${shapeToString(x)}`;
  }
  const xd = x[x.length - 1];
  if (xd !== d) {
    return `affine(x, W, b): x has shape ${shapeToString(x)} and W has shape ${shapeToString(w)}: x's last size ${xd} must equal W's first size ${d}`;
  }
  if (b.length !== 1 || b[0] !== m) {
    return `affine(x, W, b): b must have shape ${shapeToString([m])} to match W ${shapeToString(w)}, but its shape is ${shapeToString(b)}`;
  }
  return x.length === 2 ? [x[0], m] : [m];
}

/** softmax_with_loss(x, t): the label rule (one-hot rows or class indices) lives beside the layer. */
function softmaxWithLossShape(x: Shape, t: Shape): Shape | string {
  const form = labelForm(x, t);
  return form === 'one-hot' || form === 'indices' ? [] : form;
}

/**
 * The output shape of `op` applied to inputs of the given shapes, or an error message.
 * Never throws.
 */
export function inferShape(op: OpKind, inputs: readonly Shape[], attrs?: ShapeAttrs): ShapeResult {
  if (op === 'custom') return { error: "a custom layer's output shape is the shape of what its forward returned" };
  if (!isOpWithInputs(op)) return { error: 'a leaf has no inputs; its shape is the shape of its value' };
  const arity = OP_ARITY[op];
  if (arity === undefined) return { error: `unknown operation '${String(op)}'` };
  if (inputs.length !== arity) {
    const what = arity === 1 ? '1 argument' : `${arity} arguments`;
    return { error: `${OP_DISPLAY[op]} takes ${what}, got ${inputs.length}` };
  }
  for (const s of inputs) {
    if (s.length > MAX_RANK) {
      return { error: `${OP_DISPLAY[op]}: shape ${shapeToString(s)} has rank ${s.length}; only scalars, vectors and matrices are supported` };
    }
  }
  const wrap = (r: Shape | string): ShapeResult => (typeof r === 'string' ? { error: r } : { shape: r });

  if (ELEMENTWISE_BINARY.has(op)) return wrap(broadcastShapes(inputs[0], inputs[1]));
  if (ELEMENTWISE_UNARY.has(op)) {
    if (op === 'pow') {
      const p = attrs?.exponent;
      if (p === undefined || !Number.isFinite(p)) return { error: '** needs a constant, finite exponent' };
    }
    return { shape: [...inputs[0]] };
  }
  switch (op) {
    case 'matmul':
      return wrap(matmulShape(inputs[0], inputs[1]));
    case 'sum':
    case 'mean':
      if (op === 'mean' && inputs[0].reduce((n, d) => n * d, 1) === 0) {
        return { error: 'mean of an empty tensor is undefined' };
      }
      return { shape: [] };
    case 'affine':
      return wrap(affineShape(inputs[0], inputs[1], inputs[2]));
    case 'softmax_with_loss':
      return wrap(softmaxWithLossShape(inputs[0], inputs[1]));
    default:
      return { error: `unknown operation '${String(op)}'` };
  }
}
