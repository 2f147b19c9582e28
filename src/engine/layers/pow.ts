/** A constant power x**p: the gradient times p·x**(p−1). */
import { allScalar, backwardLine, both, d, isScalar, lines, shapeOf, val } from '../arithmetic';
import * as ops from '../ops';
import type { ShapeAttrs } from '../shapes';
import type { Tensor, Shape } from '../tensor';
import { expectArity, formatNumber, need, operand, productCause, type Layer, type LayerSpec } from './layer';

/** pow's shape rule: the input's shape, once the exponent is a constant finite number. */
function powShape(inputs: readonly Shape[], attrs: ShapeAttrs): Shape | string {
  const p = attrs.exponent;
  if (p === undefined || !Number.isFinite(p)) return '** needs a constant, finite exponent';
  return [...inputs[0]];
}

export class PowLayer implements Layer {
  static readonly spec: LayerSpec<'pow'> = {
    op: 'pow',
    arity: 1,
    written: '**',
    symbol: '**p',
    rule: {
      en: 'power node: multiply the upstream gradient by p·x**(p−1)',
      ko: '거듭제곱 노드: 상류 값에 국소적 미분 p·x**(p−1)을 곱한다',
    },
    formula: 'y = x**p;  ∂L/∂x = ∂L/∂y·p·x**(p−1)',
    arithmetic: (s) => {
      const p = s.num(s.exponent ?? NaN);
      if (s.phase === 'forward') {
        const x = s.x[0];
        const head = `${s.out} = ${s.args[0]}**${p}`;
        return [both(isScalar(x) && isScalar(s.y) ? `${head} = ${val(s, x, true)}**${p} = ${val(s, s.y)}` : `${head}: (${shapeOf(x)}) → ${shapeOf(s.y)}`)];
      }
      // p·x**(p−1), written 2·t for a square as the book does.
      const pm1 = (s.exponent ?? NaN) - 1;
      const power = (base: string): string => (pm1 === 1 ? base : `${base}**${s.num(pm1)}`);
      return lines(
        backwardLine(
          s,
          0,
          `${d(s.out)} · ${p}·${power(s.args[0])}`,
          allScalar(s.dout, s.x[0]) ? `${val(s, s.dout)} × ${p} × ${power(val(s, s.x[0], true))}` : undefined,
          `(${shapeOf(s.dout)}) ⊙ ${p}·${power(`(${shapeOf(s.x[0])})`)}`,
        ),
      );
    },
    shape: powShape,
    functions: [],
  };

  private x?: Tensor;
  readonly exponent: number;
  constructor(attrs: ShapeAttrs) {
    if (attrs.exponent === undefined) throw new Error('a pow node needs a constant exponent');
    this.exponent = attrs.exponent;
  }
  forward(inputs: readonly Tensor[]): Tensor {
    expectArity(inputs, PowLayer.spec.arity, 'PowLayer');
    this.x = inputs[0];
    const p = this.exponent;
    return ops.map(this.x, (v) => v ** p);
  }
  backward(dout: Tensor): (Tensor | null)[] {
    const x = need(this.x, 'PowLayer');
    const p = this.exponent;
    // d(x^p)/dx = p·x^(p−1); for p = 0 the output is constant, so the gradient is exactly 0.
    const local = p === 0 ? ops.map(x, () => 0) : ops.map(x, (v) => p * v ** (p - 1));
    return [ops.chain(dout, local)];
  }
  forwardCause(inputs: readonly Tensor[], output: Tensor, index: number): string {
    return powerCause(inputs[0].data[index], this.exponent, output.data[index], '');
  }
  backwardCause(dout: Tensor, _arg: number, _grad: Tensor, index: number): string {
    const x = need(this.x, 'PowLayer');
    const v = x.data[index];
    const p = this.exponent;
    const local = p * v ** (p - 1);
    if (Number.isFinite(local)) return productCause(dout, ops.map(x, (u) => p * u ** (p - 1)), 'dout·p·x^(p−1)');
    return powerCause(v, p - 1, v ** (p - 1), ` in the local derivative p·x^(p−1) = ${formatNumber(p)}·${operand(v)} ** ${operand(p - 1)}`);
  }
}

/** Why x ** p is not finite for a finite x (`where` says in which formula). */
function powerCause(x: number, p: number, result: number, where: string): string {
  if (x === 0 && p < 0) return `0 ** negative${where} (${operand(x)} ** ${operand(p)} = ${formatNumber(result)})`;
  if (x < 0 && !Number.isInteger(p)) return `negative base to a fractional power${where} (${operand(x)} ** ${operand(p)} = NaN)`;
  return `the power overflowed${where} (${operand(x)} ** ${operand(p)} = ${formatNumber(result)})`;
}
