/**
 * One class per operation, like the book's `common/layers.py`: `forward` computes the output and
 * keeps what `backward` needs; `backward` turns the upstream gradient into one gradient per input,
 * already reduced to that input's shape (null = that input gets no gradient).
 *
 * Unlike the book's Relu, `backward` never writes into `dout`: the stepper shows the incoming
 * gradient next to the outgoing ones, so it must stay as it arrived.
 */
import type { GraphNode, OpKind } from './graph';
import * as ops from './ops';
import { Tensor, shapeSize, shapeToString, type Shape } from './tensor';

export interface Layer {
  forward(inputs: readonly Tensor[]): Tensor;
  backward(dout: Tensor): (Tensor | null)[];
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
    return [ops.sumTo(ops.mul(dout, y), x.shape), ops.sumTo(ops.mul(dout, x), y.shape)];
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
    // z = x / y: dz/dx = 1/y, dz/dy = −x/y² = −z/y.
    const dx = ops.div(dout, y);
    const dy = ops.neg(ops.div(ops.mul(dout, out), y));
    return [ops.sumTo(dx, x.shape), ops.sumTo(dy, y.shape)];
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
    return [ops.mul(dout, local)];
  }
}

export class ExpLayer implements Layer {
  private out?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'ExpLayer');
    this.out = ops.map(inputs[0], Math.exp);
    return this.out;
  }
  backward(dout: Tensor): (Tensor | null)[] {
    return [ops.mul(dout, need(this.out, 'ExpLayer'))];
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
    return [ops.div(dout, need(this.x, 'LogLayer'))];
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
    return [ops.zipSame(dout, y, (d, v) => d * (1 - v * v))];
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
    return [ops.zipSame(dout, y, (d, v) => d * v * (1 - v))];
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
    return [ops.zipSame(dout, y, (d, v) => -d * v * v)];
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
}

export class SumLayer implements Layer {
  private shape?: Tensor['shape'];
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, 1, 'SumLayer');
    this.shape = inputs[0].shape;
    return Tensor.scalar(ops.sumAll(inputs[0]));
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
    for (let i = 0; i < dx.length; i++) dx[i] = (y.data[i] - t.data[i]) * k;
    return [new Tensor(y.shape, dx), null];
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
}

export const OP_INFO: Record<OpKind, OpInfo> = {
  leaf: {
    symbol: '',
    rule: {
      en: 'input node: the gradient that arrives here is the derivative of the output with respect to this value',
      ko: '입력 노드: 여기에 도착한 미분이 이 값에 대한 최종 출력의 미분이다',
    },
    formula: '∂L/∂x = Σ (gradients from every place x is used)',
  },
  mul: {
    symbol: '×',
    rule: {
      en: 'multiply node: multiply the upstream gradient by the other input (swap the inputs)',
      ko: '곱셈 노드: 상류에서 온 미분에 순전파 때의 입력을 서로 바꿔 곱한다',
    },
    formula: 'z = x·y;  ∂L/∂x = ∂L/∂z·y,  ∂L/∂y = ∂L/∂z·x',
  },
  add: {
    symbol: '+',
    rule: {
      en: 'add node: pass the upstream gradient through unchanged (summed over broadcast axes)',
      ko: '덧셈 노드: 상류 값을 그대로 하류로 흘려보낸다 (브로드캐스트된 축은 합한다)',
    },
    formula: 'z = x + y;  ∂L/∂x = ∂L/∂z,  ∂L/∂y = ∂L/∂z',
  },
  sub: {
    symbol: '−',
    rule: {
      en: 'subtract node: pass the gradient unchanged to the left input and negated to the right input',
      ko: '뺄셈 노드: 왼쪽 입력에는 상류 값을 그대로, 오른쪽 입력에는 부호를 바꿔 흘려보낸다',
    },
    formula: 'z = x − y;  ∂L/∂x = ∂L/∂z,  ∂L/∂y = −∂L/∂z',
  },
  div: {
    symbol: '÷',
    rule: {
      en: 'divide node: the left input gets the gradient divided by y; the right input gets −gradient·z/y',
      ko: '나눗셈 노드: 왼쪽 입력에는 상류 값을 y로 나눠, 오른쪽 입력에는 −상류 값·z/y를 흘려보낸다',
    },
    formula: 'z = x / y;  ∂L/∂x = ∂L/∂z / y,  ∂L/∂y = −∂L/∂z·x/y²',
  },
  neg: {
    symbol: 'neg',
    rule: {
      en: 'negate node: pass the upstream gradient on with its sign flipped',
      ko: '부호 반전 노드: 상류 값의 부호를 바꿔 흘려보낸다',
    },
    formula: 'y = −x;  ∂L/∂x = −∂L/∂y',
  },
  pow: {
    symbol: 'x^p',
    rule: {
      en: 'power node: multiply the upstream gradient by p·x^(p−1)',
      ko: '거듭제곱 노드: 상류 값에 국소적 미분 p·x^(p−1)을 곱한다',
    },
    formula: 'y = x^p;  ∂L/∂x = ∂L/∂y·p·x^(p−1)',
  },
  exp: {
    symbol: 'exp',
    rule: {
      en: 'exp node: multiply the upstream gradient by the forward output exp(x)',
      ko: 'exp 노드: 상류 값에 순전파 때의 출력 exp(x)를 곱한다',
    },
    formula: 'y = exp(x);  ∂L/∂x = ∂L/∂y·y',
  },
  log: {
    symbol: 'log',
    rule: {
      en: 'log node: divide the upstream gradient by the forward input x',
      ko: 'log 노드: 상류 값을 순전파 때의 입력 x로 나눈다',
    },
    formula: 'y = log(x);  ∂L/∂x = ∂L/∂y / x',
  },
  tanh: {
    symbol: 'tanh',
    rule: {
      en: 'tanh node: multiply the upstream gradient by 1 − y², using the forward output y',
      ko: 'tanh 노드: 상류 값에 순전파의 출력 y로 만든 1 − y²을 곱한다',
    },
    formula: 'y = tanh(x);  ∂L/∂x = ∂L/∂y·(1 − y²)',
  },
  relu: {
    symbol: 'ReLU',
    rule: {
      en: 'ReLU node: pass the upstream gradient where the forward input x > 0; send 0 where x ≤ 0',
      ko: 'ReLU 노드: 순전파 때 입력이 0보다 컸던 곳은 상류 값을 그대로 흘려보내고, 0 이하였던 곳은 0을 보낸다',
    },
    formula: 'y = max(0, x);  ∂L/∂x = ∂L/∂y if x > 0, else 0',
  },
  sigmoid: {
    symbol: 'σ',
    rule: {
      en: 'sigmoid node: multiply the upstream gradient by y(1 − y), using only the forward output y',
      ko: '시그모이드 노드: 상류 값에 순전파의 출력 y만으로 계산한 y(1 − y)를 곱한다',
    },
    formula: 'y = 1 / (1 + exp(−x));  ∂L/∂x = ∂L/∂y·y(1 − y)',
  },
  recip: {
    symbol: '1/x',
    rule: {
      en: '"/" node (reciprocal): multiply the upstream gradient by −y², using the forward output y',
      ko: '"/" 노드(역수): 상류 값에 순전파의 출력 y로 만든 −y²을 곱한다',
    },
    formula: 'y = 1/x;  ∂L/∂x = −∂L/∂y·y²',
  },
  matmul: {
    symbol: 'dot',
    rule: {
      en: 'matrix product node: dX = dout·Wᵀ, dW = Xᵀ·dout (transpose the other input and multiply)',
      ko: '행렬 곱 노드: dX = dout·Wᵀ, dW = Xᵀ·dout (다른 쪽 입력을 전치해서 곱한다)',
    },
    formula: 'Y = X·W;  ∂L/∂X = ∂L/∂Y·Wᵀ,  ∂L/∂W = Xᵀ·∂L/∂Y',
  },
  sum: {
    symbol: 'Σ',
    rule: {
      en: 'sum node: copy the upstream gradient to every element of the input',
      ko: '합 노드: 상류 값을 입력의 모든 원소에 그대로 복사해 보낸다',
    },
    formula: 'y = Σ xᵢ;  ∂L/∂xᵢ = ∂L/∂y',
  },
  mean: {
    symbol: 'mean',
    rule: {
      en: 'mean node: give every element of the input the upstream gradient divided by the element count n',
      ko: '평균 노드: 상류 값을 원소 수 n으로 나눠 입력의 모든 원소에 보낸다',
    },
    formula: 'y = Σ xᵢ / n;  ∂L/∂xᵢ = ∂L/∂y / n',
  },
  affine: {
    symbol: 'Affine',
    rule: {
      en: 'Affine node: dx = dout·Wᵀ, dW = xᵀ·dout, db = sum of dout over the batch axis (axis 0)',
      ko: 'Affine 노드: dx = dout·Wᵀ, dW = xᵀ·dout, db는 dout을 배치 축(0번 축)으로 합한 값',
    },
    formula: 'Y = X·W + B;  ∂L/∂X = ∂L/∂Y·Wᵀ,  ∂L/∂W = Xᵀ·∂L/∂Y,  ∂L/∂B = Σₙ ∂L/∂Y',
  },
  softmax_with_loss: {
    symbol: 'Softmax-with-Loss',
    rule: {
      en: 'Softmax-with-Loss node: send (y − t)/N, the softmax output minus the one-hot label divided by the batch size; t gets no gradient',
      ko: 'Softmax-with-Loss 노드: 소프트맥스의 출력과 정답 레이블의 차이 (y − t)를 배치 크기 N으로 나눠 앞 계층에 전달한다. 정답 레이블 t에는 미분을 보내지 않는다',
    },
    formula: 'y = softmax(x), L = −Σ t·log(y + 1e-7) / N;  ∂L/∂x = (y − t)/N',
  },
  custom: {
    symbol: 'custom',
    rule: {
      en: "your own layer: the engine has no rule for it, so its gradient is checked numerically (central differences of a copy's forward against the same dout)",
      ko: '직접 만든 계층: 엔진에 규칙이 없으므로 수치 미분(복사본의 forward에 대한 중심 차분)으로 같은 dout에 대한 기울기를 확인한다',
    },
    formula: 'y = forward(x…);  ∂L/∂x ≈ (f(x + h) − f(x − h)) / 2h · ∂L/∂y',
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
