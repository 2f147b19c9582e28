/** The Affine layer x·W + b, for one example (D,) or a batch (N, D). */
import { backwardLine, both, d, lines, shapeOf } from '../arithmetic';
import * as ops from '../ops';
import { type Tensor, shapeToString, type Shape } from '../tensor';
import { expectArity, need, productOverflow, type Layer, type LayerSpec } from './layer';

/** affine(x, W, b): x (D,) or (N, D), W (D, M), b (M,) → (M,) or (N, M). */
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

/** out = x·W + b for one example (D,) or a batch (N, D). */
export class Affine implements Layer {
  static readonly spec: LayerSpec<'affine'> = {
    op: 'affine',
    arity: 3,
    written: 'affine',
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
    shape: (inputs) => affineShape(inputs[0], inputs[1], inputs[2]),
    functions: [{ name: 'affine', params: ['x', 'W', 'b'] }],
  };

  x?: Tensor;
  W?: Tensor;
  b?: Tensor;
  dW?: Tensor;
  db?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, Affine.spec.arity, 'Affine');
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
