/** Multiply and divide: the upstream gradient times the other input (× swaps the inputs), or divided by y (÷). */
import { allScalar, backwardLine, d, forwardInfix, lines, shapeOf, val } from '../arithmetic';
import * as ops from '../ops';
import type { Tensor } from '../tensor';
import { broadcast, expectArity, formatNumber, need, operand, operandsAt, productCause, type Layer, type LayerSpec } from './layer';

export class MulLayer implements Layer {
  static readonly spec: LayerSpec<'mul'> = {
    op: 'mul',
    arity: 2,
    written: '*',
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
    shape: broadcast,
    functions: [],
  };

  private x?: Tensor;
  private y?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, MulLayer.spec.arity, 'MulLayer');
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

export class DivLayer implements Layer {
  static readonly spec: LayerSpec<'div'> = {
    op: 'div',
    arity: 2,
    written: '/',
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
    shape: broadcast,
    functions: [],
  };

  private x?: Tensor;
  private y?: Tensor;
  private out?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, DivLayer.spec.arity, 'DivLayer');
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
