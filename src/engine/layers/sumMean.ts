/** Sum and mean of all elements: the gradient (divided by n for the mean) copied to every element. */
import { backwardLine, d, forwardCall, isScalar, lines, shapeOf, val } from '../arithmetic';
import * as ops from '../ops';
import { Tensor, shapeSize } from '../tensor';
import { expectArity, need, sumCause, type Layer, type LayerSpec } from './layer';

export class SumLayer implements Layer {
  static readonly spec: LayerSpec<'sum'> = {
    op: 'sum',
    arity: 1,
    written: 'sum',
    symbol: 'Σ',
    rule: {
      en: 'sum node: copy the upstream gradient to every element of the input',
      ko: '합 노드: 상류 값을 입력의 모든 원소에 그대로 복사해 보낸다',
    },
    formula: 'y = Σ xᵢ;  ∂L/∂xᵢ = ∂L/∂y',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, 'Σ')
        : lines(backwardLine(s, 0, d(s.out), isScalar(s.dx[0]) ? val(s, s.dout) : undefined, `${val(s, s.dout)} copied to (${shapeOf(s.x[0])})`)),
    shape: () => [],
    functions: [{ name: 'sum', params: ['x'] }],
  };

  private shape?: Tensor['shape'];
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, SumLayer.spec.arity, 'SumLayer');
    this.shape = inputs[0].shape;
    return Tensor.scalar(ops.sumAll(inputs[0]));
  }
  forwardCause(inputs: readonly Tensor[]): string {
    return sumCause(inputs[0], 'sum');
  }
  backward(dout: Tensor): (Tensor | null)[] {
    return [Tensor.full(need(this.shape, 'SumLayer'), dout.item())];
  }
}

export class MeanLayer implements Layer {
  static readonly spec: LayerSpec<'mean'> = {
    op: 'mean',
    arity: 1,
    written: 'mean',
    symbol: 'mean',
    rule: {
      en: 'mean node: give every element of the input the upstream gradient divided by the element count n',
      ko: '평균 노드: 상류 값을 원소 수 n으로 나눠 입력의 모든 원소에 보낸다',
    },
    formula: 'y = Σ xᵢ / n;  ∂L/∂xᵢ = ∂L/∂y / n',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, 'mean')
        : lines(
            backwardLine(
              s,
              0,
              `${d(s.out)} / n`,
              isScalar(s.dx[0]) ? `${val(s, s.dout)} / 1` : undefined,
              `${val(s, s.dout)} / ${s.x[0]?.size ?? '?'} copied to (${shapeOf(s.x[0])})`,
            ),
          ),
    shape: (inputs) => (inputs[0].reduce((n, d) => n * d, 1) === 0 ? 'mean of an empty tensor is undefined' : []),
    functions: [{ name: 'mean', params: ['x'] }],
  };

  private shape?: Tensor['shape'];
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, MeanLayer.spec.arity, 'MeanLayer');
    this.shape = inputs[0].shape;
    return Tensor.scalar(ops.sumAll(inputs[0]) / inputs[0].size);
  }
  forwardCause(inputs: readonly Tensor[]): string {
    return sumCause(inputs[0], 'sum (for the mean)');
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const shape = need(this.shape, 'MeanLayer');
    return [Tensor.full(shape, dout.item() / shapeSize(shape))];
  }
}
