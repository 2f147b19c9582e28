/** Sigmoid: the gradient times y(1 − y), from the forward output y alone. */
import { allScalar, backwardLine, d, forwardCall, lines, shapeOf, val } from '../arithmetic';
import * as ops from '../ops';
import type { Tensor } from '../tensor';
import { expectArity, need, sameAsInput, type Layer, type LayerSpec } from './layer';

export class Sigmoid implements Layer {
  static readonly spec: LayerSpec<'sigmoid'> = {
    op: 'sigmoid',
    arity: 1,
    written: 'sigmoid',
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
    shape: sameAsInput,
    functions: [{ name: 'sigmoid', params: ['x'] }],
  };

  out?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, Sigmoid.spec.arity, 'Sigmoid');
    this.out = ops.map(inputs[0], (v) => 1 / (1 + Math.exp(-v)));
    return this.out;
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const y = need(this.out, 'Sigmoid');
    return [ops.zipSame(dout, y, (d, v) => ops.chainFactor(d, v * (1 - v)))];
  }
}
