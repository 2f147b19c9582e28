/** The matrix product X·W: dX = dout·Wᵀ, dW = Xᵀ·dout. */
import { backwardLine, d, forwardInfix, lines, shapeOf } from '../arithmetic';
import * as ops from '../ops';
import { matmulShape } from '../shapes';
import type { Tensor } from '../tensor';
import { expectArity, need, productOverflow, type Layer, type LayerSpec } from './layer';

export class MatMulLayer implements Layer {
  static readonly spec: LayerSpec<'matmul'> = {
    op: 'matmul',
    arity: 2,
    written: '@',
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
    shape: (inputs) => matmulShape(inputs[0], inputs[1]),
    functions: [],
  };

  private a?: Tensor;
  private b?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, MatMulLayer.spec.arity, 'MatMulLayer');
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
