/** Expressions and conditions evaluated over given values (the debugger's Debug Console, Watch, conditions). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Tensor } from '../../../src/engine/tensor';
import { parseHitCondition } from '../../../src/debug/session';
import { formatSummary } from '../../../src/shared/format';
import { evaluateCondition, evaluateExpression, gradKey, type NameResolver } from '../../../src/language/evaluate';

const values: Record<string, Tensor> = {
  orange: Tensor.scalar(150),
  orange_num: Tensor.scalar(3),
  all_price: Tensor.scalar(650),
  x: new Tensor([2, 3], Float64Array.from([1, 2, 3, 4, 5, 6])),
  v: new Tensor([3], Float64Array.from([1, 0, -1])),
  [gradKey('tax')]: Tensor.scalar(650),
};
const resolve: NameResolver = (name) => (values[name] ? { value: values[name] } : name === 'later' ? { error: "'later' is not computed yet" } : undefined);

function value(text: string): number[] {
  const r = evaluateExpression(text, resolve);
  if ('error' in r) assert.fail(`${text}: ${r.error.message}`);
  return Array.from(r.value.data);
}

function error(text: string): { message: string; column: number } {
  const r = evaluateExpression(text, resolve);
  assert.ok('error' in r, `${text} should fail`);
  return { message: r.error.message, column: r.error.range.start.column };
}

function holds(text: string): boolean {
  const r = evaluateCondition(text, resolve);
  if ('error' in r) assert.fail(`${text}: ${r.error.message}`);
  return r.holds;
}

describe('evaluateExpression', () => {
  it('computes with the language and the engine over the given values', () => {
    assert.deepEqual(value('orange * orange_num + 1'), [451]);
    assert.deepEqual(value('grad(tax) / 650'), [1]);
    assert.deepEqual(value('sum(x)'), [21]);
    assert.deepEqual(value('x * 2 - 1'), [1, 3, 5, 7, 9, 11]);
    assert.deepEqual(value('relu(v)'), [1, 0, 0]);
    assert.deepEqual(value('[orange, 1] @ [[1], [2]]'), [152]);
  });

  it('reports errors with the column they start at, never throwing', () => {
    assert.equal(error('orange * ) 2').column, 10);
    const unknown = error('orange + nope');
    assert.equal(unknown.column, 10);
    assert.match(unknown.message, /nope/);
    assert.match(error('later * 2').message, /not computed yet/);
    assert.equal(error('x @ x').column, 1);
    assert.match(error('grad(2)').message, /grad\(name\)/);
    assert.match(error('a = 1').message, /=/);
    assert.match(error('1\n2').message, /one expression/);
    assert.match(error('   ').message, /empty/);
    assert.match(error('orange ? 1').message, /'\?'/);
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const r = evaluateExpression(text, resolve);
        assert.ok('value' in r || ('error' in r && typeof r.error.message === 'string'));
      }),
      { numRuns: 400 },
    );
  });
});

describe('evaluateCondition', () => {
  it('compares once, elementwise with broadcasting, all() for tensors', () => {
    assert.equal(holds('sum(all_price) > 600'), true);
    assert.equal(holds('sum(all_price) > 900'), false);
    assert.equal(holds('all_price >= 650'), true);
    assert.equal(holds('all_price <= 649'), false);
    assert.equal(holds('all_price == 650'), true);
    assert.equal(holds('all_price != 650'), false);
    assert.equal(holds('x > 0'), true);
    assert.equal(holds('x > 1'), false);
    assert.equal(holds('v < 2'), true);
  });

  it('without a comparison, holds when every element is non-zero', () => {
    assert.equal(holds('all_price'), true);
    assert.equal(holds('all_price - 650'), false);
    assert.equal(holds('v'), false);
  });

  it('errors keep their place in the whole condition', () => {
    const r = evaluateCondition('all_price > nope', resolve);
    assert.ok('error' in r);
    assert.equal(r.error.range.start.column, 13);
    const chain = evaluateCondition('1 < all_price < 2', resolve);
    assert.ok('error' in chain);
    assert.match(chain.error.message, /compares once/);
    const side = evaluateCondition('> 3', resolve);
    assert.ok('error' in side);
    const shapes = evaluateCondition('x > [1, 2]', resolve);
    assert.ok('error' in shapes);
    assert.match(shapes.error.message, /cannot compare/);
  });
});

describe('debugger helpers', () => {
  it('parses hit counts: N is the Nth hit, and >=, >, <, <=, ==, %', () => {
    const at = (text: string) => [1, 2, 3, 4].filter((h) => parseHitCondition(text)?.(h));
    assert.deepEqual(at('2'), [2]);
    assert.deepEqual(at('==3'), [3]);
    assert.deepEqual(at('>=2'), [2, 3, 4]);
    assert.deepEqual(at('> 2'), [3, 4]);
    assert.deepEqual(at('<3'), [1, 2]);
    assert.deepEqual(at('<=1'), [1]);
    assert.deepEqual(at('%2'), [2, 4]);
    for (const bad of ['often', '%0', '2.5', '', '>=']) assert.equal(parseHitCondition(bad), undefined, bad);
  });

  it('summarises values as the debugger shows them', () => {
    assert.equal(formatSummary(Tensor.scalar(930)), '930');
    assert.equal(formatSummary(Tensor.scalar(110.00000000000001)), '110');
    assert.equal(formatSummary(new Tensor([2, 3], Float64Array.from([10, 14, 18, 20, 28, 36]))), '2×3 [[10, 14, 18], …]');
    assert.equal(formatSummary(new Tensor([2, 2], Float64Array.from([1, 2, 3, 4]))), '2×2 [[1, 2], [3, 4]]');
    assert.equal(formatSummary(new Tensor([3], Float64Array.from([5, 7, 9]))), '[5, 7, 9]');
    assert.equal(formatSummary(new Tensor([6], Float64Array.from([1, 2, 3, 4, 5, 6]))), '6 [1, 2, 3, 4, …]');
    assert.equal(formatSummary(new Tensor([2, 50], new Float64Array(100).fill(0.5))), '2×50 [[0.5, 0.5, 0.5, 0.5, …], …]');
  });
});
