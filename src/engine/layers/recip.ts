/** The reciprocal 1/x, the book's "/" node in the sigmoid graph: the gradient times −y². */
import { allScalar, backwardLine, d, forwardCall, lines, shapeOf, val } from '../arithmetic';
import * as ops from '../ops';
import type { Tensor } from '../tensor';
import { expectArity, formatNumber, need, operand, sameAsInput, type Layer, type LayerSpec } from './layer';

/** y = 1/x, the book's "/" node in the sigmoid graph: dx = −dout·y². */
export class RecipLayer implements Layer {
  static readonly spec: LayerSpec<'recip'> = {
    op: 'recip',
    arity: 1,
    written: '1/x',
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
    shape: sameAsInput,
    functions: [],
  };

  private out?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, RecipLayer.spec.arity, 'RecipLayer');
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
