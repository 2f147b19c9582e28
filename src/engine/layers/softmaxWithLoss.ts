/**
 * Softmax-with-Loss, and its labels: one-hot rows or class indices, as the book's
 * `cross_entropy_error` takes both (`if t.size == y.size: t = t.argmax(axis=1)`).
 */
import { both, d, isScalar, shapeOf, val, type ArithmeticStep, type LocalText } from '../arithmetic';
import * as ops from '../ops';
import { Tensor, shapeSize, shapeToString, type Shape } from '../tensor';
import { expectArity, formatNumber, maxAbs, need, type Layer, type LayerSpec } from './layer';

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

/** softmax_with_loss(x, t): a scalar loss, once t's shape is labels for the scores x. */
function softmaxWithLossShape(inputs: readonly Shape[]): Shape | string {
  const form = labelForm(inputs[0], inputs[1]);
  return form === 'one-hot' || form === 'indices' ? [] : form;
}

/**
 * Softmax followed by the cross-entropy error, as one layer. The scores x are a vector (one
 * example) or a batch (N, C); the labels t are one-hot rows or class indices (see `checkLabels`).
 * The labels get no gradient.
 */
export class SoftmaxWithLoss implements Layer {
  static readonly spec: LayerSpec<'softmax_with_loss'> = {
    op: 'softmax_with_loss',
    arity: 2,
    written: 'softmax_with_loss',
    symbol: 'Softmax-with-Loss',
    rule: {
      en: 'Softmax-with-Loss node: send (y − t)/N, the softmax output minus the one-hot label divided by the batch size; t gets no gradient',
      ko: 'Softmax-with-Loss 노드: 소프트맥스의 출력과 정답 레이블의 차이 (y − t)를 배치 크기 N으로 나눠 앞 계층에 전달한다. 정답 레이블 t에는 미분을 보내지 않는다',
    },
    formula: 'y = softmax(x), L = −Σ t·log(y + 1e-7) / N;  ∂L/∂x = (y − t)/N',
    arithmetic: (s) => softmaxWithLossArithmetic(s),
    shape: softmaxWithLossShape,
    functions: [{ name: 'softmax_with_loss', params: ['x', 't'] }],
  };

  /** Softmax output, in the shape of x. */
  y?: Tensor;
  /** The labels as one-hot rows (class indices are converted), in the shape of x. */
  t?: Tensor;
  loss?: number;
  private batch = 1;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, SoftmaxWithLoss.spec.arity, 'SoftmaxWithLoss');
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
function softmaxWithLossArithmetic(s: ArithmeticStep): LocalText[] {
  const [x, t] = s.x;
  let y: Tensor | undefined;
  if (x && t && x.size === t.size) {
    const layer = new SoftmaxWithLoss();
    layer.forward([x, t]);
    y = layer.y;
  }
  const n = x && x.shape.length === 2 ? x.shape[0] : 1;
  const yLine = both(`y = softmax(${s.args[0]}) = ${small(s, y)}`);
  const tLine: LocalText = { en: `${s.args[1]}: labels (no gradient)`, ko: `${s.args[1]}: 정답 레이블 (기울기 없음)` };
  if (s.phase === 'forward') return [yLine, both(`${s.out} = −Σ ${s.args[1]}·log(y) / ${n} = ${val(s, s.y)}`)];
  const dx = s.dx[0];
  const numbers = y && t && y.size <= 6 ? ` = (${small(s, y)} − ${small(s, t)}) / ${n}${isScalar(s.dout) && s.dout.data[0] !== 1 ? ` × ${val(s, s.dout)}` : ''} = ${small(s, dx)}` : `: (${shapeOf(y)}) − (${shapeOf(t)}) → ${shapeOf(dx)}`;
  return [yLine, both(`${d(s.args[0])} = (y − ${s.args[1]}) / ${n}${numbers}`), tLine];
}
