/** exp and log: the gradient times the output exp(x), or divided by the input x. */
import { allScalar, backwardLine, d, forwardCall, lines, shapeOf, val } from '../arithmetic';
import * as ops from '../ops';
import type { Tensor } from '../tensor';
import { expectArity, formatNumber, need, operand, productCause, sameAsInput, type Layer, type LayerSpec } from './layer';

export class ExpLayer implements Layer {
  static readonly spec: LayerSpec<'exp'> = {
    op: 'exp',
    arity: 1,
    written: 'exp',
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
    shape: sameAsInput,
    functions: [{ name: 'exp', params: ['x'] }],
  };

  private out?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, ExpLayer.spec.arity, 'ExpLayer');
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
  static readonly spec: LayerSpec<'log'> = {
    op: 'log',
    arity: 1,
    written: 'log',
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
    shape: sameAsInput,
    functions: [{ name: 'log', params: ['x'] }],
  };

  private x?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, LogLayer.spec.arity, 'LogLayer');
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
