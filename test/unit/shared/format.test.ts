/** Formatting of values for the sidebar, inline hints, hovers and the status bar. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tensor } from '../../../src/engine/tensor';
import { escapeMarkdown, formatCompact, formatNumber, formatValueAndGrad, shapeTuple, tensorMarkdown, toNested } from '../../../src/shared/format';
import { phaseWord, plainTranslate, positionOf, statusText, stepTitle } from '../../../src/shared/stepText';

describe('host format: numbers like the book prints them', () => {
  it('rounds float noise away: 110, 715, 2.2, 3.3', () => {
    assert.equal(formatNumber(100 * 1.1), '110');
    assert.equal(formatNumber((200 + 450) * 1.1), '715');
    assert.equal(formatNumber(2 * 1.1), '2.2');
    assert.equal(formatNumber(3 * 1.1), '3.3');
    assert.equal(formatNumber(650), '650');
    assert.equal(formatNumber(0.25), '0.25');
    assert.equal(formatNumber(0.3057143290530003), '0.305714');
  });

  it('uses exponents for tiny and huge values, and names special values', () => {
    assert.equal(formatNumber(1e-7), '1e-7');
    assert.equal(formatNumber(-2.5e-9), '-2.5e-9');
    assert.equal(formatNumber(1.234e12), '1.234e+12');
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(-0), '0');
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(Infinity), '∞');
    assert.equal(formatNumber(-Infinity), '-∞');
  });

  it('describes a value and its gradient compactly: "715 · ∂ 1"', () => {
    assert.equal(formatValueAndGrad(Tensor.scalar(715.0000000000001), Tensor.scalar(1)), '715 · ∂ 1');
    assert.equal(formatValueAndGrad(Tensor.scalar(1.1), undefined), '1.1');
    assert.equal(formatValueAndGrad(undefined, Tensor.scalar(650)), '∂ 650');
    assert.equal(formatValueAndGrad(undefined, undefined), '');
  });

  it('shows vectors and small matrices inline and large ones by shape', () => {
    assert.equal(formatCompact(Tensor.from([1, 2, 3])), '[1, 2, 3]');
    assert.equal(formatCompact(Tensor.from([1, 2, 3, 4, 5])), '[1, 2, 3, 4, …]');
    assert.equal(formatCompact(Tensor.from([[1, -0.5], [-2, 3]])), '[[1, -0.5], [-2, 3]]');
    assert.equal(formatCompact(Tensor.from([[1, 2, 3], [4, 5, 6]])), '2×3 [1, 2, 3, 4, …]');
  });

  it('renders matrices as Markdown tables, cut when large', () => {
    const md = tensorMarkdown(Tensor.from([[10, 14, 18], [20, 28, 36]]));
    const lines = md.split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[2], /\| \*\*0\*\* \| 10 \| 14 \| 18 \|/);
    const big = tensorMarkdown(Tensor.zeros([20, 20]));
    assert.ok(big.includes('…'));
    assert.ok(big.split('\n').length <= 12);
    assert.equal(tensorMarkdown(Tensor.scalar(0.5)), '`0.5`');
  });

  it('gives JSON like the webview’s data- attributes and Python-like shapes', () => {
    assert.deepEqual(toNested(Tensor.from([[1, 2], [3, 4]])), [[1, 2], [3, 4]]);
    assert.equal(toNested(Tensor.scalar(715)), 715);
    assert.equal(shapeTuple([]), '()');
    assert.equal(shapeTuple([3]), '(3,)');
    assert.equal(shapeTuple([2, 3]), '(2, 3)');
    assert.equal(escapeMarkdown('a_b*c|d'), 'a\\_b\\*c\\|d');
    // Hovers show user labels as typed: no bold from __proto__, no icon from $(x), no entity, no new block.
    assert.equal(escapeMarkdown('__proto__'), '\\_\\_proto\\_\\_');
    assert.equal(escapeMarkdown('$(warning) &amp; [x](command:y)\n# h'), '\\$\\(warning\\) \\&amp; \\[x\\]\\(command:y\\) \\# h');
  });
});

describe('host step text: positions and the status bar', () => {
  it('says where the cursor is within its phase', () => {
    assert.deepEqual(positionOf(0, 4, 8), { phase: 'forward', done: 0, of: 4 });
    assert.deepEqual(positionOf(4, 4, 8), { phase: 'backward', done: 0, of: 4 });
    assert.deepEqual(positionOf(7, 4, 8), { phase: 'backward', done: 3, of: 4 });
    assert.deepEqual(positionOf(8, 4, 8), { phase: 'done', done: 4, of: 4 });
    assert.deepEqual(positionOf(0, 0, 0), { phase: 'done', done: 0, of: 0 });
  });

  it('formats the status bar text like "Backprop: backward 3/5"', () => {
    assert.equal(statusText(8, 5, 10, plainTranslate), 'Backprop: backward 3/5');
    assert.equal(statusText(2, 5, 10, plainTranslate), 'Backprop: forward 2/5');
    assert.equal(statusText(10, 5, 10, plainTranslate), 'Backprop: done 5/5');
    const ko = (m: string, ...a: (string | number)[]) => plainTranslate(({ forward: '순전파', backward: '역전파', done: '완료' } as Record<string, string>)[m] ?? m, ...a);
    assert.equal(statusText(8, 5, 10, ko), 'Backprop: 역전파 3/5');
    assert.equal(phaseWord('forward', ko), '순전파');
  });

  it('names each step for Go to Step…', () => {
    const nodes = [{ label: 'a', op: 'leaf' }, { label: 'b', op: 'mul' }, { label: 'c', op: 'add' }];
    const src = { forwardSteps: 2, totalSteps: 4, nodeOfStep: (i: number) => [1, 2, 2, 1][i], node: (id: number) => nodes[id] };
    assert.equal(stepTitle(src, 0).label, '0');
    assert.equal(stepTitle(src, 1).description, 'forward 1/2 · b');
    assert.equal(stepTitle(src, 3, plainTranslate, (op) => (op === 'add' ? '+' : '×')).description, 'backward 1/2 · + c');
    assert.equal(stepTitle(src, 4).description, 'backward 2/2 · b');
  });
});
