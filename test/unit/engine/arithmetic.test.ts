/**
 * The arithmetic of each step written out (the per-op templates in each layer's spec, filled in by the
 * session), asserted against the book's numbers for every built-in example.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { dotProductText, fanOutArithmetic, productElement } from '../../../src/engine/arithmetic';
import { Tensor } from '../../../src/engine/tensor';
import { createEngine } from '../../../src/host/engineBinding';
import { GraphSession } from '../../../src/host/session';

const ROOT = join(__dirname, '../../..');

/** Every line of every step, in English (or Korean), keyed by step number. */
function stepLines(source: string, opts: { expanded?: boolean; lang?: 'en' | 'ko' } = {}): string[][] {
  const s = new GraphSession('file:///t.backprop', 't.backprop', createEngine());
  s.expanded = opts.expanded ?? false;
  const r = s.update(source);
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  const out: string[][] = [[]];
  for (let i = 1; i <= s.totalSteps; i++) {
    s.goTo(i);
    out.push((s.stepState().explain ?? []).map((l) => l[opts.lang ?? 'en']));
  }
  s.goTo(0);
  assert.equal(s.stepState().explain, undefined, 'nothing before the first step');
  return out;
}

function example(file: string): string {
  return readFileSync(join(ROOT, 'examples', file), 'utf8');
}

function has(all: string[][], line: string): void {
  assert.ok(all.flat().includes(line), `missing: ${line}\nhave:\n${all.flat().join('\n')}`);
}

describe('the arithmetic of each step, as the book writes it', () => {
  test('buying apples (fig. 5-16): the multiply node swaps its inputs', () => {
    const l = stepLines(example('buy-apple.backprop'));
    assert.deepEqual(l[1], ['apple_price = apple × apple_num = 100 × 2 = 200']);
    assert.deepEqual(l[2], ['price = apple_price × tax = 200 × 1.1 = 220']);
    assert.deepEqual(l[3], ['∂L/∂apple_price = ∂L/∂price · tax = 1 × 1.1 = 1.1', '∂L/∂tax = ∂L/∂price · apple_price = 1 × 200 = 200']);
    assert.deepEqual(l[4], ['∂L/∂apple = ∂L/∂apple_price · apple_num = 1.1 × 2 = 2.2', '∂L/∂apple_num = ∂L/∂apple_price · apple = 1.1 × 100 = 110']);
  });

  test('apples and oranges (fig. 5-17): the add node passes 1.1 on unchanged', () => {
    const l = stepLines(example('buy-apple-orange.backprop'));
    has(l, 'price = all_price × tax = 650 × 1.1 = 715');
    has(l, '∂L/∂tax = ∂L/∂price · all_price = 1 × 650 = 650');
    has(l, '∂L/∂apple_price = ∂L/∂all_price = 1.1');
    has(l, '∂L/∂orange = ∂L/∂orange_price · orange_num = 1.1 × 3 = 3.3');
    has(l, '∂L/∂orange_num = ∂L/∂orange_price · orange = 1.1 × 150 = 165');
  });

  test('the chain rule (fig. 5-7): **2 and its 2t', () => {
    const l = stepLines(example('chain-rule.backprop'));
    has(l, 'z = t**2 = 5**2 = 25');
    has(l, '∂L/∂t = ∂L/∂z · 2·t = 1 × 2 × 5 = 10');
    has(l, '∂L/∂x = ∂L/∂t = 10');
  });

  test('add and multiply nodes (fig. 5-9, 5-12)', () => {
    const l = stepLines(example('add-mul-nodes.backprop'));
    assert.ok(l.flat().some((x) => x.startsWith('∂L/∂x = ∂L/∂z · y = ')), l.flat().join('\n'));
  });

  test('sigmoid (fig. 5-20): dout · y(1 − y) = 1 × 0.5 × 0.5 = 0.25', () => {
    const l = stepLines(example('sigmoid.backprop'));
    assert.deepEqual(l[1], ['y = σ(x) = σ(0) = 0.5']);
    assert.deepEqual(l[2], ['∂L/∂x = ∂L/∂y · y(1 − y) = 1 × 0.5 × 0.5 = 0.25']);
  });

  test('the expanded sigmoid (fig. 5-19): /, +, exp, × −1', () => {
    const l = stepLines(example('sigmoid.backprop'), { expanded: true });
    has(l, 'y = 1 / y.add = 1 / 2 = 0.5');
    has(l, '∂L/∂y.add = −∂L/∂y · y² = −1 × 0.5² = −0.25');
    has(l, '∂L/∂y.exp = ∂L/∂y.add = −0.25');
    has(l, '∂L/∂y.mul = ∂L/∂y.exp · y.exp = −0.25 × 1 = −0.25');
    has(l, '∂L/∂x = ∂L/∂y.mul · y.minus1 = −0.25 × (−1) = 0.25');
    assert.ok(!l.flat().some((x) => x.startsWith('∂L/∂y.minus1') || x.startsWith('∂L/∂y.one')), 'constants get no gradient line');
  });

  test('batched Affine (fig. 5-27): the formulas with shapes', () => {
    const l = stepLines(example('affine-batch.backprop'));
    has(l, 'Y = X · W + b: (2×2) · (2×3) + (3) → 2×3');
    has(l, '∂L/∂X = ∂L/∂Y · Wᵀ: (2×3) · (2×3)ᵀ → 2×2');
    has(l, '∂L/∂W = Xᵀ · ∂L/∂Y: (2×2)ᵀ · (2×3) → 2×3');
    has(l, '∂L/∂b = Σₙ ∂L/∂Y: Σₙ (2×3) → 3');
  });

  test('ReLU (fig. 5-18) and Affine on one sample', () => {
    has(stepLines(example('relu.backprop')), '∂L/∂x = ∂L/∂y · [x > 0]: (2×2), 0 where x ≤ 0 → 2×2');
    has(stepLines(example('affine.backprop')), '∂L/∂W = xᵀ · ∂L/∂y: (2)ᵀ · (3) → 2×3');
  });

  test('Softmax-with-Loss (fig. 5-29): y, its backward y − t, and t as labels', () => {
    const l = stepLines(example('softmax-with-loss.backprop'));
    has(l, 'y = softmax(x) = [[0.01821, 0.2452, 0.7366]]');
    has(l, 'loss = −Σ t·log(y) / 1 = 0.3057');
    has(l, '∂L/∂x = (y − t) / 1 = ([[0.01821, 0.2452, 0.7366]] − [[0, 0, 1]]) / 1 = [[0.01821, 0.2452, −0.2634]]');
    has(l, 't: labels (no gradient)');
    has(stepLines(example('softmax-with-loss.backprop'), { lang: 'ko' }), 't: 정답 레이블 (기울기 없음)');
  });

  test('the two-layer net: (y − t) / N over a batch of 2', () => {
    const l = stepLines(example('two-layer-net.backprop'));
    has(l, '∂L/∂a2 = (y − t) / 2 = ([[0.5, 0.5], [0.4999, 0.5001]] − [[1, 0], [0, 1]]) / 2 = [[−0.25, 0.25], [0.25, −0.25]]');
    has(l, '∂L/∂W1 = xᵀ · ∂L/∂a1: (2×4)ᵀ · (2×3) → 4×3');
  });

  test('a value used twice: its gradient is the sum of both, once the last use ran', () => {
    const l = stepLines('x = 2\na = x * 3\nb = x * 4\nL = a + b');
    has(l, '∂L/∂x = 3 + 4 = 7 (from a, b)');
    const ko = stepLines('x = 2\na = x * 3\nb = x * 4\nL = a + b', { lang: 'ko' });
    has(ko, '∂L/∂x = 3 + 4 = 7 (a, b에서 온 기울기의 합)');
    // Only at the step that completes it.
    assert.equal(l.flat().filter((x) => x.startsWith('∂L/∂x = 3 + 4')).length, 1);
  });

  test('Affine: one element of each input gradient written out', () => {
    const num = (v: number): string => String(v);
    const X = Tensor.from([
      [1, 2],
      [3, 4],
    ]);
    const W = Tensor.from([
      [1, 0, 2],
      [0, 1, 3],
    ]);
    const dY = Tensor.from([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    const names = { out: 'Y', args: ['X', 'W', 'b'] };
    assert.equal(productElement('affine', 0, names, [X, W], dY, 1, 1, num)?.en, '∂L/∂X[1][1] = ∂L/∂Y[1][0]·W[1][0] + ∂L/∂Y[1][1]·W[1][1] + ∂L/∂Y[1][2]·W[1][2] = 2 × 0 + 2 × 1 + 2 × 3 = 8');
    assert.equal(productElement('affine', 1, names, [X, W], dY, 0, 2, num)?.en, '∂L/∂W[0][2] = X[0][0]·∂L/∂Y[0][2] + X[1][0]·∂L/∂Y[1][2] = 1 × 1 + 3 × 2 = 7');
    assert.equal(productElement('affine', 2, names, [X, W], dY, 0, 1, num)?.en, '∂L/∂b[1] = ∂L/∂Y[0][1] + ∂L/∂Y[1][1] = 1 + 2 = 3');
    // A single sample (vector x) is a 1×n row.
    assert.equal(productElement('affine', 1, { out: 'y', args: ['x', 'W', 'b'] }, [Tensor.from([1, 2]), W], Tensor.from([1, 1, 1]), 1, 0, num)?.en, '∂L/∂W[1][0] = x[0][1]·∂L/∂y[0][0] = 2 × 1 = 2');
    assert.equal(productElement('mul', 0, names, [X, W], dY, 0, 0, num), undefined);
    assert.equal(productElement('affine', 1, names, [X, W], dY, 5, 0, num), undefined, 'out of range');
  });

  test('fan-out of tensors and one element of a matrix product written out', () => {
    const num = (v: number): string => String(v);
    const parts = [
      { from: 'a', grad: Tensor.from([1, 2]) },
      { from: 'b', grad: Tensor.from([3, 4]) },
    ];
    assert.equal(fanOutArithmetic('x', parts, Tensor.from([4, 6]), num).en, '∂L/∂x = ∂L/∂x|a + ∂L/∂x|b: 2 × (2) (summed over its 2 uses)');
    const X = Tensor.from([
      [1, 2],
      [3, 4],
    ]);
    const dY = Tensor.from([
      [5, 6, 7],
      [8, 9, 10],
    ]);
    // ∂L/∂W = Xᵀ · dY: element [1][2] = X[0][1]·dY[0][2] + X[1][1]·dY[1][2] = 2·7 + 4·10 = 54.
    assert.equal(
      dotProductText('∂L/∂W', 1, 2, { name: 'X', t: X, transposed: true }, { name: 'dY', t: dY, transposed: false }, num),
      '∂L/∂W[1][2] = X[0][1]·dY[0][2] + X[1][1]·dY[1][2] = 2 × 7 + 4 × 10 = 54',
    );
  });
});
