/** Add and subtract: the gradient passes on unchanged (negated into the right input of −), summed over broadcast axes. */
import { backwardLine, d, forwardInfix, isScalar, lines, shapeOf, val } from '../arithmetic';
import * as ops from '../ops';
import { type Tensor, shapeToString } from '../tensor';
import { broadcast, expectArity, formatNumber, need, operand, operandsAt, type Layer, type LayerSpec } from './layer';

export class AddLayer implements Layer {
  static readonly spec: LayerSpec<'add'> = {
    op: 'add',
    arity: 2,
    written: '+',
    symbol: '+',
    rule: {
      en: 'add node: pass the upstream gradient through unchanged (summed over broadcast axes)',
      ko: '덧셈 노드: 상류 값을 그대로 하류로 흘려보낸다 (브로드캐스트된 축은 합한다)',
    },
    formula: 'z = x + y;  ∂L/∂x = ∂L/∂z,  ∂L/∂y = ∂L/∂z',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardInfix(s, '+')
        : lines(
            ...[0, 1].map((i) =>
              backwardLine(s, i, d(s.out), isScalar(s.dout) ? val(s, s.dout) : undefined, sameShape(s.dout, s.dx[i]) ? `(${shapeOf(s.dout)})` : `Σ (${shapeOf(s.dout)})`),
            ),
          ),
    shape: broadcast,
    functions: [],
  };

  private shapes?: [Tensor['shape'], Tensor['shape']];
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, AddLayer.spec.arity, 'AddLayer');
    this.shapes = [inputs[0].shape, inputs[1].shape];
    return ops.add(inputs[0], inputs[1]);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const [sx, sy] = need(this.shapes, 'AddLayer');
    return [ops.sumTo(dout, sx), ops.sumTo(dout, sy)];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    const [a, b] = operandsAt(inputs, output, index);
    return `the sum overflowed (${formatNumber(a)} + ${operand(b)} = ${formatNumber(output.data[index])})`;
  }
  backwardCause(): string {
    return 'the sum of the gradient over the broadcast axis overflowed';
  }
}

export class SubLayer implements Layer {
  static readonly spec: LayerSpec<'sub'> = {
    op: 'sub',
    arity: 2,
    written: '-',
    symbol: '−',
    rule: {
      en: 'subtract node: pass the gradient unchanged to the left input and negated to the right input',
      ko: '뺄셈 노드: 왼쪽 입력에는 상류 값을 그대로, 오른쪽 입력에는 부호를 바꿔 흘려보낸다',
    },
    formula: 'z = x − y;  ∂L/∂x = ∂L/∂z,  ∂L/∂y = −∂L/∂z',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardInfix(s, '−')
        : lines(
            backwardLine(s, 0, d(s.out), isScalar(s.dout) ? val(s, s.dout) : undefined, `(${shapeOf(s.dout)})`),
            backwardLine(s, 1, `−${d(s.out)}`, isScalar(s.dout) ? `−${val(s, s.dout, true)}` : undefined, `−(${shapeOf(s.dout)})`),
          ),
    shape: broadcast,
    functions: [],
  };

  private shapes?: [Tensor['shape'], Tensor['shape']];
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, SubLayer.spec.arity, 'SubLayer');
    this.shapes = [inputs[0].shape, inputs[1].shape];
    return ops.sub(inputs[0], inputs[1]);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const [sx, sy] = need(this.shapes, 'SubLayer');
    return [ops.sumTo(dout, sx), ops.sumTo(ops.neg(dout), sy)];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    const [a, b] = operandsAt(inputs, output, index);
    return `the difference overflowed (${formatNumber(a)} − ${operand(b)} = ${formatNumber(output.data[index])})`;
  }
  backwardCause(): string {
    return 'the sum of the gradient over the broadcast axis overflowed';
  }
}

function sameShape(a: Tensor | null | undefined, b: Tensor | null | undefined): boolean {
  return a !== null && a !== undefined && b !== null && b !== undefined && shapeToString(a.shape) === shapeToString(b.shape);
}
