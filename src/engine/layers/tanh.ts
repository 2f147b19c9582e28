/** tanh: the gradient times 1 − y², from the forward output y. */
import { allScalar, backwardLine, d, forwardCall, lines, shapeOf, val } from '../arithmetic';
import * as ops from '../ops';
import type { Tensor } from '../tensor';
import { expectArity, need, sameAsInput, type Layer, type LayerSpec } from './layer';

export class TanhLayer implements Layer {
  static readonly spec: LayerSpec<'tanh'> = {
    op: 'tanh',
    arity: 1,
    written: 'tanh',
    symbol: 'tanh',
    rule: {
      en: 'tanh node: multiply the upstream gradient by 1 − y², using the forward output y',
      ko: 'tanh 노드: 상류 값에 순전파의 출력 y로 만든 1 − y²을 곱한다',
    },
    formula: 'y = tanh(x);  ∂L/∂x = ∂L/∂y·(1 − y²)',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, 'tanh')
        : lines(
            backwardLine(
              s,
              0,
              `${d(s.out)} · (1 − ${s.out}²)`,
              allScalar(s.dout, s.y) ? `${val(s, s.dout)} × (1 − ${val(s, s.y, true)}²)` : undefined,
              `(${shapeOf(s.dout)}) ⊙ (1 − (${shapeOf(s.y)})²)`,
            ),
          ),
    shape: sameAsInput,
    functions: [{ name: 'tanh', params: ['x'] }],
  };

  private out?: Tensor;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, TanhLayer.spec.arity, 'TanhLayer');
    this.out = ops.map(inputs[0], Math.tanh);
    return this.out;
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const y = need(this.out, 'TanhLayer');
    return [ops.zipSame(dout, y, (d, v) => ops.chainFactor(d, 1 - v * v))];
  }
}
