/**
 * One class per operation, like the book's `common/layers.py`: `forward` computes the output and
 * keeps what `backward` needs; `backward` turns the upstream gradient into one gradient per input,
 * already reduced to that input's shape (null = that input gets no gradient).
 *
 * Unlike the book's Relu, `backward` never writes into `dout`: the stepper shows the incoming
 * gradient next to the outgoing ones, so it must stay as it arrived.
 *
 * Non-finite values: each layer also says, beside its forward and backward, why a value it made is
 * NaN or ±Infinity although everything it read was finite (`forwardCause`, `backwardCause`: "log of
 * 0", "exp overflowed", "division by zero" …); the stepper asks only then. Backward rules multiply
 * by the local derivative with a strong zero (`ops.chainFactor`): a zero upstream gradient sends 0,
 * so the expanded sigmoid stays finite wherever the fused one is.
 */
import type { GraphNode, OpKind } from './graph';
import * as ops from './ops';
import {
  type ArithmeticStep,
  type ArithmeticTemplate,
  type LocalLine,
  allScalar,
  backwardLine,
  both,
  d,
  forwardCall,
  forwardInfix,
  isScalar,
  lines,
  shapeOf,
  val,
} from './arithmetic';
import { Tensor, shapeSize, shapeToString, type Shape } from './tensor';

export interface Layer {
  forward(inputs: readonly Tensor[]): Tensor;
  backward(dout: Tensor): (Tensor | null)[];
  /**
   * Why element `index` of `output` (this layer's forward result for `inputs`) is NaN or ±Infinity
   * although every input is finite, with the numbers: "log of 0 (log(0) = -Infinity)".
   */
  forwardCause?(inputs: readonly Tensor[], output: Tensor, index: number): string;
  /**
   * Why element `index` of `grad`, the gradient this layer's last backward(dout) sent to input `arg`,
   * is not finite although dout and the forward values are.
   */
  backwardCause?(dout: Tensor, arg: number, grad: Tensor, index: number): string;
}

/** A number as messages show it: 1e+308, -Infinity, NaN. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return String(x);
}

/** A number as an operand: negative ones in parentheses, "(-8) ** 0.5". */
function operand(x: number): string {
  return x < 0 || Object.is(x, -0) ? `(${formatNumber(x)})` : formatNumber(x);
}

/** The two operands a broadcast binary op combined into element `index` of `output`. */
function operandsAt(inputs: readonly Tensor[], output: Tensor, index: number): [number, number] {
  const [a, b] = inputs;
  return [a.data[ops.broadcastSource(output.shape, a.shape, index)], b.data[ops.broadcastSource(output.shape, b.shape, index)]];
}

/**
 * Why a gradient dout ⊙ factor (then summed to an operand's shape) is not finite: the first product
 * that is not, with its numbers, or the sum over the broadcast axes.
 */
function productCause(dout: Tensor, factor: Tensor, what: string): string {
  const shape = dout.size >= factor.size ? dout.shape : factor.shape;
  const size = Math.max(dout.size, factor.size);
  for (let k = 0; k < size; k++) {
    const d = dout.data[ops.broadcastSource(shape, dout.shape, k)];
    const f = factor.data[ops.broadcastSource(shape, factor.shape, k)];
    const v = ops.chainFactor(d, f);
    if (!Number.isFinite(v)) return `the gradient ${what} overflowed (${formatNumber(d)} × ${operand(f)} = ${formatNumber(v)})`;
  }
  return `the sum of the gradient ${what} over the broadcast axis overflowed`;
}

/** The first entry of a sum that is not finite, or the sum itself overflowing. */
function sumCause(input: Tensor, what: string): string {
  return `the ${what} of ${input.size} values overflowed (the largest is ${formatNumber(maxAbs(input))})`;
}

function maxAbs(t: Tensor): number {
  let m = 0;
  for (const v of t.data) if (Math.abs(v) > Math.abs(m)) m = v;
  return m;
}

function need<T>(x: T | undefined, layer: string): T {
  if (x === undefined) throw new Error(`${layer}.backward called before forward`);
  return x;
}

function expectArity(inputs: readonly Tensor[], n: number, layer: string): void {
  if (inputs.length !== n) throw new Error(`${layer} takes ${n} input(s), got ${inputs.length}`);
}

export class MulLayer implements Layer {
  private x?: Tensor;
  private y?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 2, 'MulLayer');
    [this.x, this.y] = inputs;
    return ops.mul(this.x, this.y);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const x = need(this.x, 'MulLayer');
    const y = need(this.y, 'MulLayer');
    // Swap the inputs: dx = dout·y, dy = dout·x.
    return [ops.sumTo(ops.chain(dout, y), x.shape), ops.sumTo(ops.chain(dout, x), y.shape)];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    const [a, b] = operandsAt(inputs, output, index);
    return `the product overflowed (${operand(a)} × ${operand(b)} = ${formatNumber(output.data[index])})`;
  }
  backwardCause(dout: Tensor, arg: number): string {
    return arg === 0 ? productCause(dout, need(this.y, 'MulLayer'), 'dout × y') : productCause(dout, need(this.x, 'MulLayer'), 'dout × x');
  }
}

export class AddLayer implements Layer {
  private shapes?: [Tensor['shape'], Tensor['shape']];
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 2, 'AddLayer');
    this.shapes = [inputs[0].shape, inputs[1].shape];
    return ops.add(inputs[0], inputs[1]);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const [sx, sy] = need(this.shapes, 'AddLayer');
    return [ops.sumTo(dout, sx), ops.sumTo(dout, sy)];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    const [a, b] = operandsAt(inputs, output, index);
    return `the sum overflowed (${formatNumber(a)} + ${operand(b)} = ${formatNumber(output.data[index])})`;
  }
  backwardCause(): string {
    return 'the sum of the gradient over the broadcast axis overflowed';
  }
}

export class SubLayer implements Layer {
  private shapes?: [Tensor['shape'], Tensor['shape']];
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 2, 'SubLayer');
    this.shapes = [inputs[0].shape, inputs[1].shape];
    return ops.sub(inputs[0], inputs[1]);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const [sx, sy] = need(this.shapes, 'SubLayer');
    return [ops.sumTo(dout, sx), ops.sumTo(ops.neg(dout), sy)];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    const [a, b] = operandsAt(inputs, output, index);
    return `the difference overflowed (${formatNumber(a)} − ${operand(b)} = ${formatNumber(output.data[index])})`;
  }
  backwardCause(): string {
    return 'the sum of the gradient over the broadcast axis overflowed';
  }
}

export class DivLayer implements Layer {
  private x?: Tensor;
  private y?: Tensor;
  private out?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 2, 'DivLayer');
    [this.x, this.y] = inputs;
    this.out = ops.div(this.x, this.y);
    return this.out;
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const x = need(this.x, 'DivLayer');
    const y = need(this.y, 'DivLayer');
    const out = need(this.out, 'DivLayer');
    // z = x / y: dz/dx = 1/y, dz/dy = −x/y² = −z/y (a zero dout sends 0, see ops.chainFactor).
    const dx = ops.broadcastBinary(dout, y, (d, v) => ops.chainFactor(d, 1 / v));
    const dy = ops.neg(ops.broadcastBinary(ops.chain(dout, out), y, (d, v) => ops.chainFactor(d, 1 / v)));
    return [ops.sumTo(dx, x.shape), ops.sumTo(dy, y.shape)];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    const [a, b] = operandsAt(inputs, output, index);
    if (b === 0) return a === 0 ? 'division of zero by zero (0 / 0 = NaN)' : `division by zero (${operand(a)} / 0 = ${formatNumber(output.data[index])})`;
    return `the quotient overflowed (${operand(a)} / ${operand(b)} = ${formatNumber(output.data[index])})`;
  }
  backwardCause(dout: Tensor, arg: number): string {
    const y = need(this.y, 'DivLayer');
    if (y.data.some((v) => v === 0)) return `division by zero in the gradient (${arg === 0 ? 'dout / y' : '−dout·z / y'} with y = 0)`;
    return arg === 0 ? productCause(dout, ops.map(y, (v) => 1 / v), 'dout / y') : productCause(ops.chain(dout, need(this.out, 'DivLayer')), ops.map(y, (v) => 1 / v), '−dout·z / y');
  }
}

export class NegLayer implements Layer {
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'NegLayer');
    return ops.neg(inputs[0]);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    return [ops.neg(dout)];
  }
}

export class PowLayer implements Layer {
  private x?: Tensor;
  constructor(readonly exponent: number) {}
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'PowLayer');
    this.x = inputs[0];
    const p = this.exponent;
    return ops.map(this.x, (v) => v ** p);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const x = need(this.x, 'PowLayer');
    const p = this.exponent;
    // d(x^p)/dx = p·x^(p−1); for p = 0 the output is constant, so the gradient is exactly 0.
    const local = p === 0 ? ops.map(x, () => 0) : ops.map(x, (v) => p * v ** (p - 1));
    return [ops.chain(dout, local)];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    return powerCause(inputs[0].data[index], this.exponent, output.data[index], '');
  }
  backwardCause(dout: Tensor, _arg: number, _grad: Tensor, index: number): string {
    const x = need(this.x, 'PowLayer');
    const v = x.data[index];
    const p = this.exponent;
    const local = p * v ** (p - 1);
    if (Number.isFinite(local)) return productCause(dout, ops.map(x, (u) => p * u ** (p - 1)), 'dout·p·x^(p−1)');
    return powerCause(v, p - 1, v ** (p - 1), ` in the local derivative p·x^(p−1) = ${formatNumber(p)}·${operand(v)} ** ${operand(p - 1)}`);
  }
}

/** Why x ** p is not finite for a finite x (`where` says in which formula). */
function powerCause(x: number, p: number, result: number, where: string): string {
  if (x === 0 && p < 0) return `0 ** negative${where} (${operand(x)} ** ${operand(p)} = ${formatNumber(result)})`;
  if (x < 0 && !Number.isInteger(p)) return `negative base to a fractional power${where} (${operand(x)} ** ${operand(p)} = NaN)`;
  return `the power overflowed${where} (${operand(x)} ** ${operand(p)} = ${formatNumber(result)})`;
}

export class ExpLayer implements Layer {
  private out?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'ExpLayer');
    this.out = ops.map(inputs[0], Math.exp);
    return this.out;
  }
  backward(dout: Tensor): (Tensor | null)[] {
    return [ops.chain(dout, need(this.out, 'ExpLayer'))];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    return `exp overflowed (exp(${formatNumber(inputs[0].data[index])}) = ${formatNumber(output.data[index])}; float64 ends near exp(709.78))`;
  }
  backwardCause(dout: Tensor): string {
    return productCause(dout, need(this.out, 'ExpLayer'), 'dout·exp(x)');
  }
}

export class LogLayer implements Layer {
  private x?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'LogLayer');
    this.x = inputs[0];
    return ops.map(this.x, Math.log);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    return [ops.broadcastBinary(dout, need(this.x, 'LogLayer'), (d, v) => ops.chainFactor(d, 1 / v))];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    const x = inputs[0].data[index];
    if (x === 0) return `log of 0 (log(0) = ${formatNumber(output.data[index])})`;
    return `log of a negative number (log(${formatNumber(x)}) = NaN)`;
  }
  backwardCause(dout: Tensor, _arg: number, grad: Tensor, index: number): string {
    const x = need(this.x, 'LogLayer');
    const v = x.data[index];
    return `the gradient dout / x overflowed (${formatNumber(dout.data[index])} / ${operand(v)} = ${formatNumber(grad.data[index])})`;
  }
}

export class TanhLayer implements Layer {
  private out?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'TanhLayer');
    this.out = ops.map(inputs[0], Math.tanh);
    return this.out;
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const y = need(this.out, 'TanhLayer');
    return [ops.zipSame(dout, y, (d, v) => ops.chainFactor(d, 1 - v * v))];
  }
}

export class Relu implements Layer {
  /** Where the input was ≤ 0: the gradient stops there. */
  mask?: Uint8Array;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'Relu');
    const x = inputs[0];
    const mask = new Uint8Array(x.size);
    const out = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i];
      if (v <= 0) mask[i] = 1;
      else out[i] = v;
    }
    this.mask = mask;
    return new Tensor(x.shape, out);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const mask = need(this.mask, 'Relu');
    const dx = new Float64Array(dout.size);
    for (let i = 0; i < dx.length; i++) dx[i] = mask[i] ? 0 : dout.data[i];
    return [new Tensor(dout.shape, dx)];
  }
}

export class Sigmoid implements Layer {
  out?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'Sigmoid');
    this.out = ops.map(inputs[0], (v) => 1 / (1 + Math.exp(-v)));
    return this.out;
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const y = need(this.out, 'Sigmoid');
    return [ops.zipSame(dout, y, (d, v) => ops.chainFactor(d, v * (1 - v)))];
  }
}

/** y = 1/x, the book's "/" node in the sigmoid graph: dx = −dout·y². */
export class RecipLayer implements Layer {
  private out?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'RecipLayer');
    this.out = ops.map(inputs[0], (v) => 1 / v);
    return this.out;
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const y = need(this.out, 'RecipLayer');
    // −dout·y² with y = 1/x: an infinite x gives y = 0 and a gradient of exactly 0.
    return [ops.zipSame(dout, y, (d, v) => -ops.chainFactor(d, v * v))];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    const x = inputs[0].data[index];
    if (x === 0) return `division by zero (1 / ${formatNumber(x)} = ${formatNumber(output.data[index])})`;
    return `1/x overflowed (1 / ${operand(x)} = ${formatNumber(output.data[index])})`;
  }
  backwardCause(dout: Tensor, _arg: number, _grad: Tensor, index: number): string {
    const y = need(this.out, 'RecipLayer').data[index];
    return `the gradient −dout·y² overflowed (y = ${formatNumber(y)}, dout = ${formatNumber(dout.data[index])})`;
  }
}

export class MatMulLayer implements Layer {
  private a?: Tensor;
  private b?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 2, 'MatMulLayer');
    [this.a, this.b] = inputs;
    return ops.matmul(this.a, this.b);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    return ops.matmulBackward(need(this.a, 'MatMulLayer'), need(this.b, 'MatMulLayer'), dout);
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    return productOverflow(inputs[0], inputs[1], output, index, 'matrix product');
  }
  backwardCause(_dout: Tensor, arg: number): string {
    return `the matrix product of the gradient overflowed (${arg === 0 ? 'dout · Wᵀ' : 'Xᵀ · dout'})`;
  }
}

/** Why element `index` of a matrix product X·W is not finite: the sum of products overflowed. */
function productOverflow(a: Tensor, b: Tensor, output: Tensor, index: number, what: string): string {
  const cols = b.rank === 2 ? b.shape[1] : 1;
  const row = Math.floor(index / cols);
  const col = index % cols;
  const where = output.size > 1 ? ` at [${output.rank === 2 ? `${row}, ${col}` : index}]` : '';
  return `the ${what} overflowed${where} (the largest factors are ${formatNumber(maxAbs(a))} and ${formatNumber(maxAbs(b))})`;
}

export class SumLayer implements Layer {
  private shape?: Tensor['shape'];
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'SumLayer');
    this.shape = inputs[0].shape;
    return Tensor.scalar(ops.sumAll(inputs[0]));
  }
  forwardCause(inputs: readonly Tensor[]): string {
    return sumCause(inputs[0], 'sum');
  }
  backward(dout: Tensor): (Tensor | null)[] {
    return [Tensor.full(need(this.shape, 'SumLayer'), dout.item())];
  }
}

export class MeanLayer implements Layer {
  private shape?: Tensor['shape'];
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'MeanLayer');
    this.shape = inputs[0].shape;
    return Tensor.scalar(ops.sumAll(inputs[0]) / inputs[0].size);
  }
  forwardCause(inputs: readonly Tensor[]): string {
    return sumCause(inputs[0], 'sum (for the mean)');
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const shape = need(this.shape, 'MeanLayer');
    return [Tensor.full(shape, dout.item() / shapeSize(shape))];
  }
}

/** out = x·W + b for one example (D,) or a batch (N, D). */
export class Affine implements Layer {
  x?: Tensor;
  W?: Tensor;
  b?: Tensor;
  dW?: Tensor;
  db?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 3, 'Affine');
    [this.x, this.W, this.b] = inputs;
    return ops.add(ops.matmul(this.x, this.W), this.b);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const x = need(this.x, 'Affine');
    const W = need(this.W, 'Affine');
    const b = need(this.b, 'Affine');
    // dx = dout·Wᵀ, dW = xᵀ·dout, db = sum of dout over the batch axis.
    const [dx, dW] = ops.matmulBackward(x, W, dout);
    const db = ops.sumTo(dout, b.shape);
    this.dW = dW;
    this.db = db;
    return [dx, dW, db];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    return productOverflow(inputs[0], inputs[1], output, index, 'affine x·W + b');
  }
  backwardCause(_dout: Tensor, arg: number): string {
    return `the gradient overflowed (${['dout · Wᵀ', 'xᵀ · dout', 'the sum of dout over the batch'][arg] ?? 'dout'})`;
  }
}

// ---------------------------------------------------------------------------------------------
// The labels of Softmax-with-Loss: one-hot rows or class indices, as the book's
// `cross_entropy_error` takes both (`if t.size == y.size: t = t.argmax(axis=1)`).

/** How `t` gives the right answers: one-hot rows shaped like the scores, or one class index per row. */
export type LabelForm = 'one-hot' | 'indices';

/**
 * Which form t's shape means for scores x, or a message. The scores are a vector (D,) (one
 * example) or a batch (N, C). One-hot t has x's shape (a vector and a one-row matrix are the same
 * single example, so (1, D) with (D,) fits too); class indices are a vector (N,) for a batch, or a
 * single number (or (1,)) for one example. Where both would fit (one class), one-hot wins.
 */
export function labelForm(x: Shape, t: Shape): LabelForm | string {
  if (x.length !== 1 && x.length !== 2) {
    return `softmax_with_loss(x, t): x must be a vector of scores (D,) or a batch (N, D), but its shape is ${shapeToString(x)}`;
  }
  if (x[x.length - 1] === 0) return 'softmax_with_loss(x, t): x needs at least one score per row';
  const same = x.length === t.length && x.every((s, i) => s === t[i]);
  const oneRowEach = (x.length === 2 && t.length === 1 && x[0] === 1 && x[1] === t[0]) || (x.length === 1 && t.length === 2 && t[0] === 1 && t[1] === x[0]);
  if (same || oneRowEach) return 'one-hot';
  if (fitsIndices(x, t)) return 'indices';
  const rows = x.length === 2 ? x[0] : 1;
  const indexShape = x.length === 2 ? shapeToString([rows]) : '() or (1,)';
  return `softmax_with_loss(x, t): t must be one-hot labels shaped like the scores x ${shapeToString(x)} or class indices of shape ${indexShape}, but t is ${shapeToString(t)}`;
}

/** Whether t's shape is one class index per row of x: (N,) for a batch, () or (1,) for one example. */
function fitsIndices(x: Shape, t: Shape): boolean {
  const rows = x.length === 2 ? x[0] : 1;
  return (t.length === 1 && t[0] === rows) || (x.length === 1 && t.length === 0);
}

/** Labels checked against the scores: as one-hot rows (converted from indices when needed), or why they are not labels. */
export type CheckedLabels = { form: LabelForm; oneHot: Tensor } | { error: string };

function formatLabelValue(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/**
 * Checks label values: one-hot rows hold only 0 and 1 with exactly one 1 per row; class indices
 * are whole numbers in [0, C). A score tensor or a probability row is neither, and says so.
 */
export function checkLabels(xShape: Shape, t: Tensor): CheckedLabels {
  const form = labelForm(xShape, t.shape);
  if (form !== 'one-hot' && form !== 'indices') return { error: form };
  const cols = xShape[xShape.length - 1];
  const rows = shapeSize(xShape) / cols;
  if (form === 'one-hot') {
    const checked = checkOneHot(t, rows, cols);
    // One class (C = 1): t of shape (1,) fits both forms; [0] is then the class index.
    if ('error' in checked && fitsIndices(xShape, t.shape)) return checkIndices(xShape, t, rows, cols);
    return checked;
  }
  return checkIndices(xShape, t, rows, cols);
}

function checkOneHot(t: Tensor, rows: number, cols: number): CheckedLabels {
  for (let r = 0; r < rows; r++) {
    let ones = 0;
    for (let j = 0; j < cols; j++) {
      const v = t.data[r * cols + j];
      if (v === 1) ones++;
      else if (v !== 0) {
        const where = rows === 1 && t.shape.length === 1 ? `t[${j}]` : `t[${r}, ${j}]`;
        return { error: `softmax_with_loss(x, t): t is neither one-hot rows nor class indices: ${where} = ${formatLabelValue(v)}, but one-hot labels hold only 0 and 1 (for class indices, give a vector of ${rows} whole number${rows === 1 ? '' : 's'})` };
      }
    }
    if (ones !== 1) {
      const row = rows === 1 ? 'the row' : `row ${r}`;
      return { error: `softmax_with_loss(x, t): ${row} of the one-hot labels t has ${ones === 0 ? 'no 1' : `${ones} ones`}; a one-hot row has exactly one 1 (the right class)` };
    }
  }
  return { form: 'one-hot', oneHot: t };
}

function checkIndices(xShape: Shape, t: Tensor, rows: number, cols: number): CheckedLabels {
  const oneHot = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const k = t.data[r];
    const where = t.shape.length === 0 ? 't' : `t[${r}]`;
    if (!Number.isInteger(k)) return { error: `softmax_with_loss(x, t): the class index ${where} = ${formatLabelValue(k)} is not a whole number; class indices are 0 … ${cols - 1}` };
    if (k < 0 || k >= cols) return { error: `softmax_with_loss(x, t): the class index ${where} = ${k} is out of range: x has ${cols} class${cols === 1 ? '' : 'es'}, so an index is 0 … ${cols - 1}` };
    oneHot[r * cols + k] = 1;
  }
  return { form: 'indices', oneHot: new Tensor(xShape, oneHot) };
}

/**
 * Softmax followed by the cross-entropy error, as one layer. The scores x are a vector (one
 * example) or a batch (N, C); the labels t are one-hot rows or class indices (see `checkLabels`).
 * The labels get no gradient.
 */
export class SoftmaxWithLoss implements Layer {
  /** Softmax output, in the shape of x. */
  y?: Tensor;
  /** The labels as one-hot rows (class indices are converted), in the shape of x. */
  t?: Tensor;
  loss?: number;
  private batch = 1;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 2, 'SoftmaxWithLoss');
    const [x] = inputs;
    const labels = checkLabels(x.shape, inputs[1]);
    if ('error' in labels) throw new Error(labels.error);
    const t = labels.oneHot;
    const cols = x.shape[x.shape.length - 1];
    const rows = x.size / cols;
    const y = new Float64Array(x.size);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      // Subtract the row max so exp never overflows (the book's softmax).
      let max = -Infinity;
      for (let j = 0; j < cols; j++) max = Math.max(max, x.data[o + j]);
      let s = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(x.data[o + j] - max);
        y[o + j] = e;
        s += e;
      }
      for (let j = 0; j < cols; j++) y[o + j] /= s;
    }
    // Cross-entropy: −Σ t·log(y + 1e-7) / N (1e-7 keeps log away from −∞).
    let loss = 0;
    for (let i = 0; i < y.length; i++) loss += t.data[i] * Math.log(y[i] + 1e-7);
    this.batch = rows;
    this.y = new Tensor(x.shape, y);
    this.t = t;
    this.loss = -loss / rows;
    return Tensor.scalar(this.loss);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const y = need(this.y, 'SoftmaxWithLoss');
    const t = need(this.t, 'SoftmaxWithLoss');
    const k = dout.item() / this.batch;
    const dx = new Float64Array(y.size);
    for (let i = 0; i < dx.length; i++) dx[i] = ops.chainFactor(k, y.data[i] - t.data[i]);
    return [new Tensor(y.shape, dx), null];
  }
  forwardCause(inputs: readonly Tensor[]): string {
    return `the cross-entropy −Σ t·log(y + 1e-7) overflowed (the largest label is ${formatNumber(maxAbs(inputs[1]))})`;
  }
  backwardCause(dout: Tensor): string {
    return `the gradient (y − t)·dout / N overflowed (dout = ${formatNumber(dout.item())})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Registry and per-op descriptions for the panel.

export interface LocalText {
  en: string;
  ko: string;
}

export interface OpInfo {
  /** Short symbol drawn in the node. */
  symbol: string;
  /** The local backward rule in words. */
  rule: LocalText;
  /** A short plain-text formula: forward; backward. */
  formula: string;
  /** The step's arithmetic written out with its numbers (or shapes), one line per result. */
  arithmetic: ArithmeticTemplate;
}

function sameShape(a: Tensor | null | undefined, b: Tensor | null | undefined): boolean {
  return a !== null && a !== undefined && b !== null && b !== undefined && shapeToString(a.shape) === shapeToString(b.shape);
}

/** Small tensors inline (`[0.3, 0.7]`), bigger ones as their shape. */
function small(s: ArithmeticStep, t: Tensor | undefined | null): string {
  if (!t) return '?';
  if (t.size === 1) return s.num(t.data[0]);
  if (t.size > 6) return `(${shapeOf(t)})`;
  if (t.shape.length === 1) return `[${Array.from(t.data, s.num).join(', ')}]`;
  const [r, c] = t.shape;
  const rows: string[] = [];
  for (let i = 0; i < r; i++) rows.push(`[${Array.from(t.data.subarray(i * c, (i + 1) * c), s.num).join(', ')}]`);
  return `[${rows.join(', ')}]`;
}

/**
 * Softmax-with-Loss as the book's figure 5-29 writes it: the softmax output y (not a node of its
 * own, so it is written here), the loss, and backward (y − t)/N; t is the labels, no gradient.
 */
function softmaxWithLossArithmetic(s: ArithmeticStep): LocalLine[] {
  const [x, t] = s.x;
  let y: Tensor | undefined;
  if (x && t && x.size === t.size) {
    const layer = new SoftmaxWithLoss();
    layer.forward([x, t]);
    y = layer.y;
  }
  const n = x && x.shape.length === 2 ? x.shape[0] : 1;
  const yLine = both(`y = softmax(${s.args[0]}) = ${small(s, y)}`);
  const tLine: LocalLine = { en: `${s.args[1]}: labels (no gradient)`, ko: `${s.args[1]}: 정답 레이블 (기울기 없음)` };
  if (s.phase === 'forward') return [yLine, both(`${s.out} = −Σ ${s.args[1]}·log(y) / ${n} = ${val(s, s.y)}`)];
  const dx = s.dx[0];
  const numbers = y && t && y.size <= 6 ? ` = (${small(s, y)} − ${small(s, t)}) / ${n}${isScalar(s.dout) && s.dout.data[0] !== 1 ? ` × ${val(s, s.dout)}` : ''} = ${small(s, dx)}` : `: (${shapeOf(y)}) − (${shapeOf(t)}) → ${shapeOf(dx)}`;
  return [yLine, both(`${d(s.args[0])} = (y − ${s.args[1]}) / ${n}${numbers}`), tLine];
}

export const OP_INFO: Record<OpKind, OpInfo> = {
  leaf: {
    symbol: '',
    rule: {
      en: 'input node: the gradient that arrives here is the derivative of the output with respect to this value',
      ko: '입력 노드: 여기에 도착한 미분이 이 값에 대한 최종 출력의 미분이다',
    },
    formula: '∂L/∂x = Σ (gradients from every place x is used)',
    arithmetic: () => [],
  },
  mul: {
    symbol: '×',
    rule: {
      en: 'multiply node: multiply the upstream gradient by the other input (swap the inputs)',
      ko: '곱셈 노드: 상류에서 온 미분에 순전파 때의 입력을 서로 바꿔 곱한다',
    },
    formula: 'z = x·y;  ∂L/∂x = ∂L/∂z·y,  ∂L/∂y = ∂L/∂z·x',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardInfix(s, '×')
        : lines(
            backwardLine(s, 0, `${d(s.out)} · ${s.args[1]}`, allScalar(s.dout, s.x[1]) ? `${val(s, s.dout)} × ${val(s, s.x[1], true)}` : undefined, `(${shapeOf(s.dout)}) ⊙ (${shapeOf(s.x[1])})`),
            backwardLine(s, 1, `${d(s.out)} · ${s.args[0]}`, allScalar(s.dout, s.x[0]) ? `${val(s, s.dout)} × ${val(s, s.x[0], true)}` : undefined, `(${shapeOf(s.dout)}) ⊙ (${shapeOf(s.x[0])})`),
          ),
  },
  add: {
    symbol: '+',
    rule: {
      en: 'add node: pass the upstream gradient through unchanged (summed over broadcast axes)',
      ko: '덧셈 노드: 상류 값을 그대로 하류로 흘려보낸다 (브로드캐스트된 축은 합한다)',
    },
    formula: 'z = x + y;  ∂L/∂x = ∂L/∂z,  ∂L/∂y = ∂L/∂z',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardInfix(s, '+')
        : lines(
            ...[0, 1].map((i) =>
              backwardLine(s, i, d(s.out), isScalar(s.dout) ? val(s, s.dout) : undefined, sameShape(s.dout, s.dx[i]) ? `(${shapeOf(s.dout)})` : `Σ (${shapeOf(s.dout)})`),
            ),
          ),
  },
  sub: {
    symbol: '−',
    rule: {
      en: 'subtract node: pass the gradient unchanged to the left input and negated to the right input',
      ko: '뺄셈 노드: 왼쪽 입력에는 상류 값을 그대로, 오른쪽 입력에는 부호를 바꿔 흘려보낸다',
    },
    formula: 'z = x − y;  ∂L/∂x = ∂L/∂z,  ∂L/∂y = −∂L/∂z',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardInfix(s, '−')
        : lines(
            backwardLine(s, 0, d(s.out), isScalar(s.dout) ? val(s, s.dout) : undefined, `(${shapeOf(s.dout)})`),
            backwardLine(s, 1, `−${d(s.out)}`, isScalar(s.dout) ? `−${val(s, s.dout, true)}` : undefined, `−(${shapeOf(s.dout)})`),
          ),
  },
  div: {
    symbol: '÷',
    rule: {
      en: 'divide node: the left input gets the gradient divided by y; the right input gets −gradient·z/y',
      ko: '나눗셈 노드: 왼쪽 입력에는 상류 값을 y로 나눠, 오른쪽 입력에는 −상류 값·z/y를 흘려보낸다',
    },
    formula: 'z = x / y;  ∂L/∂x = ∂L/∂z / y,  ∂L/∂y = −∂L/∂z·x/y²',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardInfix(s, '/')
        : lines(
            backwardLine(s, 0, `${d(s.out)} / ${s.args[1]}`, allScalar(s.dout, s.x[1]) ? `${val(s, s.dout)} / ${val(s, s.x[1], true)}` : undefined, `(${shapeOf(s.dout)}) / (${shapeOf(s.x[1])})`),
            backwardLine(
              s,
              1,
              `−${d(s.out)} · ${s.args[0]} / ${s.args[1]}²`,
              allScalar(s.dout, s.x[0], s.x[1]) ? `−${val(s, s.dout, true)} × ${val(s, s.x[0], true)} / ${val(s, s.x[1], true)}²` : undefined,
              `(${shapeOf(s.dout)}) ⊙ (${shapeOf(s.x[0])}) / (${shapeOf(s.x[1])})²`,
            ),
          ),
  },
  neg: {
    symbol: 'neg',
    rule: {
      en: 'negate node: pass the upstream gradient on with its sign flipped',
      ko: '부호 반전 노드: 상류 값의 부호를 바꿔 흘려보낸다',
    },
    formula: 'y = −x;  ∂L/∂x = −∂L/∂y',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, '−', (a) => `−${a}`)
        : lines(backwardLine(s, 0, `−${d(s.out)}`, isScalar(s.dout) ? `−${val(s, s.dout, true)}` : undefined, `−(${shapeOf(s.dout)})`)),
  },
  pow: {
    symbol: '**p',
    rule: {
      en: 'power node: multiply the upstream gradient by p·x**(p−1)',
      ko: '거듭제곱 노드: 상류 값에 국소적 미분 p·x**(p−1)을 곱한다',
    },
    formula: 'y = x**p;  ∂L/∂x = ∂L/∂y·p·x**(p−1)',
    arithmetic: (s) => {
      const p = s.num(s.exponent ?? NaN);
      if (s.phase === 'forward') {
        const x = s.x[0];
        const head = `${s.out} = ${s.args[0]}**${p}`;
        return [both(isScalar(x) && isScalar(s.y) ? `${head} = ${val(s, x, true)}**${p} = ${val(s, s.y)}` : `${head}: (${shapeOf(x)}) → ${shapeOf(s.y)}`)];
      }
      // p·x**(p−1), written 2·t for a square as the book does.
      const pm1 = (s.exponent ?? NaN) - 1;
      const power = (base: string): string => (pm1 === 1 ? base : `${base}**${s.num(pm1)}`);
      return lines(
        backwardLine(
          s,
          0,
          `${d(s.out)} · ${p}·${power(s.args[0])}`,
          allScalar(s.dout, s.x[0]) ? `${val(s, s.dout)} × ${p} × ${power(val(s, s.x[0], true))}` : undefined,
          `(${shapeOf(s.dout)}) ⊙ ${p}·${power(`(${shapeOf(s.x[0])})`)}`,
        ),
      );
    },
  },
  exp: {
    symbol: 'exp',
    rule: {
      en: 'exp node: multiply the upstream gradient by the forward output exp(x)',
      ko: 'exp 노드: 상류 값에 순전파 때의 출력 exp(x)를 곱한다',
    },
    formula: 'y = exp(x);  ∂L/∂x = ∂L/∂y·y',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, 'exp')
        : lines(backwardLine(s, 0, `${d(s.out)} · ${s.out}`, allScalar(s.dout, s.y) ? `${val(s, s.dout)} × ${val(s, s.y, true)}` : undefined, `(${shapeOf(s.dout)}) ⊙ (${shapeOf(s.y)})`)),
  },
  log: {
    symbol: 'log',
    rule: {
      en: 'log node: divide the upstream gradient by the forward input x',
      ko: 'log 노드: 상류 값을 순전파 때의 입력 x로 나눈다',
    },
    formula: 'y = log(x);  ∂L/∂x = ∂L/∂y / x',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, 'log')
        : lines(backwardLine(s, 0, `${d(s.out)} / ${s.args[0]}`, allScalar(s.dout, s.x[0]) ? `${val(s, s.dout)} / ${val(s, s.x[0], true)}` : undefined, `(${shapeOf(s.dout)}) / (${shapeOf(s.x[0])})`)),
  },
  tanh: {
    symbol: 'tanh',
    rule: {
      en: 'tanh node: multiply the upstream gradient by 1 − y², using the forward output y',
      ko: 'tanh 노드: 상류 값에 순전파의 출력 y로 만든 1 − y²을 곱한다',
    },
    formula: 'y = tanh(x);  ∂L/∂x = ∂L/∂y·(1 − y²)',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, 'tanh')
        : lines(
            backwardLine(
              s,
              0,
              `${d(s.out)} · (1 − ${s.out}²)`,
              allScalar(s.dout, s.y) ? `${val(s, s.dout)} × (1 − ${val(s, s.y, true)}²)` : undefined,
              `(${shapeOf(s.dout)}) ⊙ (1 − (${shapeOf(s.y)})²)`,
            ),
          ),
  },
  relu: {
    symbol: 'ReLU',
    rule: {
      en: 'ReLU node: pass the upstream gradient where the forward input x > 0; send 0 where x ≤ 0',
      ko: 'ReLU 노드: 순전파 때 입력이 0보다 컸던 곳은 상류 값을 그대로 흘려보내고, 0 이하였던 곳은 0을 보낸다',
    },
    formula: 'y = max(0, x);  ∂L/∂x = ∂L/∂y if x > 0, else 0',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, 'max', (a) => `max(0, ${a})`)
        : lines(
            backwardLine(
              s,
              0,
              `${d(s.out)} · [${s.args[0]} > 0]`,
              allScalar(s.dout, s.x[0]) ? `${val(s, s.dout)} × ${(s.x[0]?.data[0] ?? 0) > 0 ? 1 : 0}` : undefined,
              `(${shapeOf(s.dout)}), 0 where ${s.args[0]} ≤ 0`,
            ),
          ),
  },
  sigmoid: {
    symbol: 'σ',
    rule: {
      en: 'sigmoid node: multiply the upstream gradient by y(1 − y), using only the forward output y',
      ko: '시그모이드 노드: 상류 값에 순전파의 출력 y만으로 계산한 y(1 − y)를 곱한다',
    },
    formula: 'y = 1 / (1 + exp(−x));  ∂L/∂x = ∂L/∂y·y(1 − y)',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, 'σ')
        : lines(
            backwardLine(
              s,
              0,
              `${d(s.out)} · ${s.out}(1 − ${s.out})`,
              allScalar(s.dout, s.y) ? `${val(s, s.dout)} × ${val(s, s.y, true)} × ${s.num(1 - (s.y?.data[0] ?? NaN))}` : undefined,
              `(${shapeOf(s.dout)}) ⊙ (${shapeOf(s.y)}) ⊙ (1 − (${shapeOf(s.y)}))`,
            ),
          ),
  },
  recip: {
    symbol: '1/x',
    rule: {
      en: '"/" node (reciprocal): multiply the upstream gradient by −y², using the forward output y',
      ko: '"/" 노드(역수): 상류 값에 순전파의 출력 y로 만든 −y²을 곱한다',
    },
    formula: 'y = 1/x;  ∂L/∂x = −∂L/∂y·y²',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, '1/', (a) => `1 / ${a}`)
        : lines(backwardLine(s, 0, `−${d(s.out)} · ${s.out}²`, allScalar(s.dout, s.y) ? `−${val(s, s.dout, true)} × ${val(s, s.y, true)}²` : undefined, `−(${shapeOf(s.dout)}) ⊙ (${shapeOf(s.y)})²`)),
  },
  matmul: {
    symbol: 'dot',
    rule: {
      en: 'matrix product node: dX = dout·Wᵀ, dW = Xᵀ·dout (transpose the other input and multiply)',
      ko: '행렬 곱 노드: dX = dout·Wᵀ, dW = Xᵀ·dout (다른 쪽 입력을 전치해서 곱한다)',
    },
    formula: 'Y = X·W;  ∂L/∂X = ∂L/∂Y·Wᵀ,  ∂L/∂W = Xᵀ·∂L/∂Y',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardInfix(s, '·')
        : lines(
            backwardLine(s, 0, `${d(s.out)} · ${s.args[1]}ᵀ`, undefined, `(${shapeOf(s.dout)}) · (${shapeOf(s.x[1])})ᵀ`),
            backwardLine(s, 1, `${s.args[0]}ᵀ · ${d(s.out)}`, undefined, `(${shapeOf(s.x[0])})ᵀ · (${shapeOf(s.dout)})`),
          ),
  },
  sum: {
    symbol: 'Σ',
    rule: {
      en: 'sum node: copy the upstream gradient to every element of the input',
      ko: '합 노드: 상류 값을 입력의 모든 원소에 그대로 복사해 보낸다',
    },
    formula: 'y = Σ xᵢ;  ∂L/∂xᵢ = ∂L/∂y',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, 'Σ')
        : lines(backwardLine(s, 0, d(s.out), isScalar(s.dx[0]) ? val(s, s.dout) : undefined, `${val(s, s.dout)} copied to (${shapeOf(s.x[0])})`)),
  },
  mean: {
    symbol: 'mean',
    rule: {
      en: 'mean node: give every element of the input the upstream gradient divided by the element count n',
      ko: '평균 노드: 상류 값을 원소 수 n으로 나눠 입력의 모든 원소에 보낸다',
    },
    formula: 'y = Σ xᵢ / n;  ∂L/∂xᵢ = ∂L/∂y / n',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, 'mean')
        : lines(
            backwardLine(
              s,
              0,
              `${d(s.out)} / n`,
              isScalar(s.dx[0]) ? `${val(s, s.dout)} / 1` : undefined,
              `${val(s, s.dout)} / ${s.x[0]?.size ?? '?'} copied to (${shapeOf(s.x[0])})`,
            ),
          ),
  },
  affine: {
    symbol: 'Affine',
    rule: {
      en: 'Affine node: dx = dout·Wᵀ, dW = xᵀ·dout, db = sum of dout over the batch axis (axis 0)',
      ko: 'Affine 노드: dx = dout·Wᵀ, dW = xᵀ·dout, db는 dout을 배치 축(0번 축)으로 합한 값',
    },
    formula: 'Y = X·W + B;  ∂L/∂X = ∂L/∂Y·Wᵀ,  ∂L/∂W = Xᵀ·∂L/∂Y,  ∂L/∂B = Σₙ ∂L/∂Y',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? [both(`${s.out} = ${s.args[0]} · ${s.args[1]} + ${s.args[2]}: (${shapeOf(s.x[0])}) · (${shapeOf(s.x[1])}) + (${shapeOf(s.x[2])}) → ${shapeOf(s.y)}`)]
        : lines(
            backwardLine(s, 0, `${d(s.out)} · ${s.args[1]}ᵀ`, undefined, `(${shapeOf(s.dout)}) · (${shapeOf(s.x[1])})ᵀ`),
            backwardLine(s, 1, `${s.args[0]}ᵀ · ${d(s.out)}`, undefined, `(${shapeOf(s.x[0])})ᵀ · (${shapeOf(s.dout)})`),
            backwardLine(s, 2, `Σₙ ${d(s.out)}`, undefined, `Σₙ (${shapeOf(s.dout)})`),
          ),
  },
  softmax_with_loss: {
    symbol: 'Softmax-with-Loss',
    rule: {
      en: 'Softmax-with-Loss node: send (y − t)/N, the softmax output minus the one-hot label divided by the batch size; t gets no gradient',
      ko: 'Softmax-with-Loss 노드: 소프트맥스의 출력과 정답 레이블의 차이 (y − t)를 배치 크기 N으로 나눠 앞 계층에 전달한다. 정답 레이블 t에는 미분을 보내지 않는다',
    },
    formula: 'y = softmax(x), L = −Σ t·log(y + 1e-7) / N;  ∂L/∂x = (y − t)/N',
    arithmetic: (s) => softmaxWithLossArithmetic(s),
  },
  custom: {
    symbol: 'custom',
    rule: {
      en: "your own layer: the engine has no rule for it, so its gradient is checked numerically (central differences of a copy's forward against the same dout)",
      ko: '직접 만든 계층: 엔진에 규칙이 없으므로 수치 미분(복사본의 forward에 대한 중심 차분)으로 같은 dout에 대한 기울기를 확인한다',
    },
    formula: 'y = forward(x…);  ∂L/∂x ≈ (f(x + h) − f(x − h)) / 2h · ∂L/∂y',
    // No rule to fill in: the student's own backward is checked numerically by the tracer.
    arithmetic: () => [],
  },
};

export function opInfo(op: OpKind): OpInfo {
  return OP_INFO[op];
}

/** A fresh layer for an op node (throws for leaves and for `pow` without an exponent). */
export function createLayer(node: Pick<GraphNode, 'op' | 'exponent'>): Layer {
  switch (node.op) {
    case 'add':
      return new AddLayer();
    case 'sub':
      return new SubLayer();
    case 'mul':
      return new MulLayer();
    case 'div':
      return new DivLayer();
    case 'neg':
      return new NegLayer();
    case 'pow':
      if (node.exponent === undefined) throw new Error('a pow node needs a constant exponent');
      return new PowLayer(node.exponent);
    case 'exp':
      return new ExpLayer();
    case 'log':
      return new LogLayer();
    case 'tanh':
      return new TanhLayer();
    case 'relu':
      return new Relu();
    case 'sigmoid':
      return new Sigmoid();
    case 'recip':
      return new RecipLayer();
    case 'matmul':
      return new MatMulLayer();
    case 'sum':
      return new SumLayer();
    case 'mean':
      return new MeanLayer();
    case 'affine':
      return new Affine();
    case 'softmax_with_loss':
      return new SoftmaxWithLoss();
    case 'custom':
      throw new Error('a custom layer has no engine rule: only a recording (a traced script) can replay it');
    case 'leaf':
      throw new Error('a leaf has no layer: its value is given');
  }
}
