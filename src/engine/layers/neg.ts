/** Negation: the gradient with its sign flipped. */
import { backwardLine, d, forwardCall, isScalar, lines, shapeOf, val } from '../arithmetic';
import * as ops from '../ops';
import type { Tensor } from '../tensor';
import { expectArity, sameAsInput, type Layer, type LayerSpec } from './layer';

export class NegLayer implements Layer {
  static readonly spec: LayerSpec<'neg'> = {
    op: 'neg',
    arity: 1,
    written: 'unary -',
    symbol: 'neg',
    rule: {
      en: 'negate node: pass the upstream gradient on with its sign flipped',
      ko: '부호 반전 노드: 상류 값의 부호를 바꿔 흘려보낸다',
    },
    formula: 'y = −x;  ∂L/∂x = −∂L/∂y',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, '−', (a) => `−${a}`)
        : lines(backwardLine(s, 0, `−${d(s.out)}`, isScalar(s.dout) ? `−${val(s, s.dout, true)}` : undefined, `−(${shapeOf(s.dout)})`)),
    shape: sameAsInput,
    functions: [],
  };

  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, NegLayer.spec.arity, 'NegLayer');
    return ops.neg(inputs[0]);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    return [ops.neg(dout)];
  }
}
