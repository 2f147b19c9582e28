/**
 * What every layer is and carries. A layer class computes (`forward`, `backward`, and why a value
 * it made is not finite), and its `static readonly spec` says everything else about its op beside
 * that code: name, arity, symbol, the local rule in words (English and Korean), the formula, the
 * arithmetic template, the shape rule and the `.backprop` functions that build it. `index.ts` lists
 * the classes once; every table of ops is derived from that list.
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
import type { ArithmeticTemplate, LocalText } from '../arithmetic';
import * as ops from '../ops';
import { broadcastShapes, type ShapeAttrs } from '../shapes';
import type { Shape, Tensor } from '../tensor';

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

/** A `.backprop` function that builds the op's node: `relu(x)`, `affine(x, W, b)`. */
export interface LanguageFunction {
  readonly name: string;
  /** Parameter names, for messages: `affine(x, W, b) takes 3 arguments`. */
  readonly params: readonly string[];
}

/** Everything about an op besides its computation, kept beside the class that computes it. */
export interface LayerSpec<Op extends string = string> {
  /** The op's name in graphs, recordings and messages to the panel. */
  readonly op: Op;
  /** How many inputs `forward` takes (and `backward` returns gradients for). */
  readonly arity: number;
  /** How a program writes it, for shape messages: `*`, `unary -`, `relu`. */
  readonly written: string;
  /** Short symbol drawn in the node: ×, +, ReLU, σ. */
  readonly symbol: string;
  /** The local backward rule in words. */
  readonly rule: LocalText;
  /** A short plain-text formula: forward; backward. */
  readonly formula: string;
  /** The step's arithmetic written out with its numbers (or shapes), one line per result. */
  readonly arithmetic: ArithmeticTemplate;
  /**
   * The output shape for inputs of these shapes, or a message. The count of inputs and their ranks
   * are already checked (`inferShape`).
   */
  readonly shape: (inputs: readonly Shape[], attrs: ShapeAttrs) => Shape | string;
  /** The `.backprop` functions that build this node (none for ops written with an operator). */
  readonly functions: readonly LanguageFunction[];
}

/** A layer class: its spec, and a constructor taking the node's attributes (`pow`'s exponent). */
export interface LayerClass<Op extends string = string> {
  readonly spec: LayerSpec<Op>;
  new (attrs: ShapeAttrs): Layer;
}

/** Shape rule of an elementwise binary op: numpy broadcasting. */
export const broadcast = (inputs: readonly Shape[]): Shape | string => broadcastShapes(inputs[0], inputs[1]);

/** Shape rule of an elementwise unary op: the input's shape. */
export const sameAsInput = (inputs: readonly Shape[]): Shape => [...inputs[0]];

/** A number as messages show it: 1e+308, -Infinity, NaN. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return String(x);
}

/** A number as an operand: negative ones in parentheses, "(-8) ** 0.5". */
export function operand(x: number): string {
  return x < 0 || Object.is(x, -0) ? `(${formatNumber(x)})` : formatNumber(x);
}

/** The two operands a broadcast binary op combined into element `index` of `output`. */
export function operandsAt(inputs: readonly Tensor[], output: Tensor, index: number): [number, number] {
  const [a, b] = inputs;
  return [a.data[ops.broadcastSource(output.shape, a.shape, index)], b.data[ops.broadcastSource(output.shape, b.shape, index)]];
}

/**
 * Why a gradient dout ⊙ factor (then summed to an operand's shape) is not finite: the first product
 * that is not, with its numbers, or the sum over the broadcast axes.
 */
export function productCause(dout: Tensor, factor: Tensor, what: string): string {
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
export function sumCause(input: Tensor, what: string): string {
  return `the ${what} of ${input.size} values overflowed (the largest is ${formatNumber(maxAbs(input))})`;
}

export function maxAbs(t: Tensor): number {
  let m = 0;
  for (const v of t.data) if (Math.abs(v) > Math.abs(m)) m = v;
  return m;
}

export function need<T>(x: T | undefined, layer: string): T {
  if (x === undefined) throw new Error(`${layer}.backward called before forward`);
  return x;
}

export function expectArity(inputs: readonly Tensor[], n: number, layer: string): void {
  if (inputs.length !== n) throw new Error(`${layer} takes ${n} input(s), got ${inputs.length}`);
}

/** Why element `index` of a matrix product X·W is not finite: the sum of products overflowed. */
export function productOverflow(a: Tensor, b: Tensor, output: Tensor, index: number, what: string): string {
  const cols = b.rank === 2 ? b.shape[1] : 1;
  const row = Math.floor(index / cols);
  const col = index % cols;
  const where = output.size > 1 ? ` at [${output.rank === 2 ? `${row}, ${col}` : index}]` : '';
  return `the ${what} overflowed${where} (the largest factors are ${formatNumber(maxAbs(a))} and ${formatNumber(maxAbs(b))})`;
}
