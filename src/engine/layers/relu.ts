/** ReLU: the gradient passes where the input was > 0, 0 elsewhere. */
import { allScalar, backwardLine, d, forwardCall, lines, shapeOf, val } from '../arithmetic';
import { Tensor } from '../tensor';
import { expectArity, need, sameAsInput, type Layer, type LayerSpec } from './layer';

export class Relu implements Layer {
  static readonly spec: LayerSpec<'relu'> = {
    op: 'relu',
    arity: 1,
    written: 'relu',
    symbol: 'ReLU',
    rule: {
      en: 'ReLU node: pass the upstream gradient where the forward input x > 0; send 0 where x ≤ 0',
      ko: 'ReLU 노드: 순전파 때 입력이 0보다 컸던 곳은 상류 값을 그대로 흘려보내고, 0 이하였던 곳은 0을 보낸다',
    },
    formula: 'y = max(0, x);  ∂L/∂x = ∂L/∂y if x > 0, else 0',
    arithmetic: (s) =>
      s.phase === 'forward'
        ? forwardCall(s, 'max', (a) => `max(0, ${a})`)
        : lines(
            backwardLine(
              s,
              0,
              `${d(s.out)} · [${s.args[0]} > 0]`,
              allScalar(s.dout, s.x[0]) ? `${val(s, s.dout)} × ${(s.x[0]?.data[0] ?? 0) > 0 ? 1 : 0}` : undefined,
              `(${shapeOf(s.dout)}), 0 where ${s.args[0]} ≤ 0`,
            ),
          ),
    shape: sameAsInput,
    functions: [{ name: 'relu', params: ['x'] }],
  };

  /** Where the input was ≤ 0: the gradient stops there. */
  mask?: Uint8Array;
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, Relu.spec.arity, 'Relu');
    const x = inputs[0];
    const mask = new Uint8Array(x.size);
    const out = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i];
      if (v <= 0) mask[i] = 1;
      else out[i] = v;
    }
    this.mask = mask;
    return new Tensor(x.shape, out);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const mask = need(this.mask, 'Relu');
    const dx = new Float64Array(dout.size);
    for (let i = 0; i < dx.length; i++) dx[i] = mask[i] ? 0 : dout.data[i];
    return [new Tensor(dout.shape, dx)];
  }
}
