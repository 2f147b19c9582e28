/**
 * The arithmetic of one step written out, as a student would write it beside the book's figure:
 * `∂L/∂apple = ∂L/∂apple_price · apple_num = 1.1 × 2 = 2.2`. Each op's template lives in its
 * layer's spec (layers/); this file has the pieces they share. Pure: numbers and tensors in,
 * text out (the caller chooses how numbers are printed).
 */
import { Tensor } from './tensor';

/** A text in English and Korean: a rule, a message, one line of arithmetic. */
export interface LocalText {
  en: string;
  ko: string;
}

/** Everything a template may use about the step that just ran. */
export interface ArithmeticStep {
  phase: 'forward' | 'backward';
  /** The node's label. */
  out: string;
  /** Its inputs' labels, in argument order. */
  args: readonly string[];
  /** Input values (forward values of the inputs). */
  x: readonly (Tensor | undefined)[];
  /** The node's forward value. */
  y: Tensor | undefined;
  /** The gradient arriving at the node (backward only). */
  dout: Tensor | undefined;
  /** The gradient sent to each input (null: that input gets none, e.g. labels). */
  dx: readonly (Tensor | null | undefined)[];
  /** Which inputs are constants (no gradient by design). */
  constant: readonly boolean[];
  /** `pow` only: the exponent. */
  exponent?: number;
  /** How one number is printed (the host's book-like format). */
  num(v: number): string;
}

export type ArithmeticTemplate = (s: ArithmeticStep) => LocalText[];

/** The same text in both languages (formulas). */
export function both(text: string): LocalText {
  return { en: text, ko: text };
}

export function isScalar(t: Tensor | undefined | null): t is Tensor {
  return t !== undefined && t !== null && t.size === 1;
}

/** A shape as the book writes it: 2×3, or "scalar" for a single number. */
export function shapeOf(t: Tensor | undefined | null): string {
  if (!t) return '?';
  return t.shape.length === 0 ? '1' : t.shape.join('×');
}

/** A value inside a formula: a number (negative ones in brackets after an operator), else its shape. */
export function val(s: ArithmeticStep, t: Tensor | undefined | null, bracketNegative = false): string {
  if (!isScalar(t)) return `(${shapeOf(t)})`;
  const text = s.num(t.data[0]);
  return bracketNegative && t.data[0] < 0 ? `(${text})` : text;
}

/** `∂L/∂name` */
export function d(name: string): string {
  return `∂L/∂${name}`;
}

/** Forward line of a binary infix op: `z = a × b = 100 × 2 = 200`, or with shapes: `z = a × b: (2×3) × (2×3) → 2×3`. */
export function forwardInfix(s: ArithmeticStep, symbol: string): LocalText[] {
  const [a, b] = s.x;
  const head = `${s.out} = ${s.args[0]} ${symbol} ${s.args[1]}`;
  if (isScalar(a) && isScalar(b) && isScalar(s.y)) return [both(`${head} = ${val(s, a)} ${symbol} ${val(s, b, true)} = ${val(s, s.y)}`)];
  return [both(`${head}: (${shapeOf(a)}) ${symbol} (${shapeOf(b)}) → ${shapeOf(s.y)}`)];
}

/**
 * Forward line of a one-input function: `y = exp(x) = exp(0) = 1`; `write` puts the argument in
 * (`(a) => \`max(0, ${a})\``), by default `name(a)`.
 */
export function forwardCall(s: ArithmeticStep, name: string, write: (arg: string) => string = (a) => `${name}(${a})`): LocalText[] {
  const x = s.x[0];
  const head = `${s.out} = ${write(s.args.join(', '))}`;
  if (isScalar(x) && isScalar(s.y)) return [both(`${head} = ${write(val(s, x))} = ${val(s, s.y)}`)];
  return [both(`${head}: (${s.x.map(shapeOf).join(', ')}) → ${shapeOf(s.y)}`)];
}

/**
 * One backward line per input that gets a gradient: `∂L/∂x = <formula> = <numbers> = <result>`.
 * `numbers` is undefined when the tensors are not scalars: then the formula with shapes,
 * `<formula>: <shapes> → <result shape>`.
 */
export function backwardLine(
  s: ArithmeticStep,
  index: number,
  formula: string,
  numbers: string | undefined,
  shapes: string,
): LocalText | undefined {
  const g = s.dx[index];
  if (g === null || g === undefined || s.constant[index]) return undefined;
  const head = `${d(s.args[index])} = ${formula}`;
  if (numbers !== undefined && isScalar(g)) {
    const result = val(s, g);
    // Passing a gradient through needs no "= 1.1 = 1.1".
    return both(numbers === result ? `${head} = ${result}` : `${head} = ${numbers} = ${result}`);
  }
  return both(`${head}: ${shapes} → ${shapeOf(g)}`);
}

/** Drops the inputs that got no line (constants, labels). */
export function lines(...xs: (LocalText | undefined)[]): LocalText[] {
  return xs.filter((x): x is LocalText => x !== undefined);
}

/** Whether every listed tensor is a single number (then the numbers are written out). */
export function allScalar(...ts: (Tensor | undefined | null)[]): boolean {
  return ts.every(isScalar);
}

/**
 * A value used in several places: its gradient is the sum of the ones arriving from every use,
 * `∂L/∂x = 3 + 4 = 7 (from a, b)`; with tensors, `∂L/∂x = Σ of 2 gradients (2×3) (from a, b)`.
 */
export function fanOutArithmetic(name: string, parts: readonly { from: string; grad: Tensor }[], total: Tensor | undefined, num: (v: number) => string): LocalText {
  const from = parts.map((p) => p.from).join(', ');
  if (parts.every((p) => isScalar(p.grad)) && isScalar(total)) {
    const terms = parts.map((p, i) => {
      const v = p.grad.data[0];
      return i > 0 && v < 0 ? `(${num(v)})` : num(v);
    });
    const sum = `${d(name)} = ${terms.join(' + ')} = ${num(total.data[0])}`;
    return { en: `${sum} (from ${from})`, ko: `${sum} (${from}에서 온 기울기의 합)` };
  }
  const shape = total ? shapeOf(total) : shapeOf(parts[0]?.grad);
  const sum = `${d(name)} = ${parts.map((p) => `${d(name)}|${p.from}`).join(' + ')}: ${parts.length} × (${shape})`;
  return { en: `${sum} (summed over its ${parts.length} uses)`, ko: `${sum} (사용된 ${parts.length}곳의 기울기를 더함)` };
}

/**
 * One element of a matrix product written out: `∂L/∂W[0][2] = X[0][0]·dY[0][2] + X[1][0]·dY[1][2]
 * = 1 × 3 + 2 × 4 = 11` (row `i` of `a`, column `j` of `b`, each optionally transposed).
 */
export function dotProductText(
  target: string,
  i: number,
  j: number,
  a: { name: string; t: Tensor; transposed: boolean },
  b: { name: string; t: Tensor; transposed: boolean },
  num: (v: number) => string,
): string | undefined {
  const at = (m: { t: Tensor; transposed: boolean }, r: number, c: number): number | undefined => {
    if (m.t.shape.length !== 2) return undefined;
    const [rows, cols] = m.t.shape;
    const [rr, cc] = m.transposed ? [c, r] : [r, c];
    return rr < rows && cc < cols ? m.t.data[rr * cols + cc] : undefined;
  };
  const inner = a.t.shape.length === 2 ? (a.transposed ? a.t.shape[0] : a.t.shape[1]) : 0;
  if (inner === 0 || inner > 12) return undefined;
  const symbols: string[] = [];
  const numbers: string[] = [];
  let sum = 0;
  for (let k = 0; k < inner; k++) {
    const x = at(a, i, k);
    const y = at(b, k, j);
    if (x === undefined || y === undefined) return undefined;
    const ai = a.transposed ? `${a.name}[${k}][${i}]` : `${a.name}[${i}][${k}]`;
    const bj = b.transposed ? `${b.name}[${j}][${k}]` : `${b.name}[${k}][${j}]`;
    symbols.push(`${ai}·${bj}`);
    numbers.push(`${num(x)} × ${y < 0 ? `(${num(y)})` : num(y)}`);
    sum += x * y;
  }
  return `${target}[${i}][${j}] = ${symbols.join(' + ')} = ${numbers.join(' + ')} = ${num(sum)}`;
}

/** A vector as a 1×n matrix (a single sample), a matrix as itself. */
function asMatrix(t: Tensor): Tensor {
  return t.shape.length === 1 ? new Tensor([1, t.shape[0]], t.data) : t;
}

/**
 * One element of the gradient a matrix product sends back, written out: for `Y = X·W (+ b)`,
 * `∂L/∂X[i][j]` is row i of dout times row j of W, `∂L/∂W[i][j]` column i of X times column j of
 * dout, `∂L/∂b[j]` the sum of column j of dout. Undefined for other ops or out-of-range elements.
 */
export function productElement(
  op: string,
  index: number,
  names: { out: string; args: readonly string[] },
  x: readonly (Tensor | undefined)[],
  dout: Tensor | undefined,
  i: number,
  j: number,
  num: (v: number) => string,
): LocalText | undefined {
  if ((op !== 'matmul' && op !== 'affine') || !dout) return undefined;
  const dY = asMatrix(dout);
  const dName = `∂L/∂${names.out}`;
  if (index === 0 && x[1]) {
    const text = dotProductText(`∂L/∂${names.args[0]}`, i, j, { name: dName, t: dY, transposed: false }, { name: names.args[1], t: asMatrix(x[1]), transposed: true }, num);
    return text === undefined ? undefined : both(text);
  }
  if (index === 1 && x[0]) {
    const text = dotProductText(`∂L/∂${names.args[1]}`, i, j, { name: names.args[0], t: asMatrix(x[0]), transposed: true }, { name: dName, t: dY, transposed: false }, num);
    return text === undefined ? undefined : both(text);
  }
  if (index === 2 && op === 'affine') {
    const [rows, cols] = dY.shape;
    if (j >= cols || rows > 12) return undefined;
    const terms = Array.from({ length: rows }, (_, n) => dY.data[n * cols + j]);
    const sum = terms.reduce((a, b) => a + b, 0);
    return both(`∂L/∂${names.args[2]}[${j}] = ${terms.map((_, n) => `${dName}[${n}][${j}]`).join(' + ')} = ${terms.map((v, n) => (n > 0 && v < 0 ? `(${num(v)})` : num(v))).join(' + ')} = ${num(sum)}`);
  }
  return undefined;
}
