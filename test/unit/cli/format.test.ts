/**
 * Numbers printed like numpy / Python print them. `format-numpy.json` holds the output of real
 * numpy (2.4.6): `str(np.array(x, dtype=np.float64))` and `repr(float(x))`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatScalar, formatTensor } from '../../../src/cli/format';
import { type NestedArray, Tensor } from '../../../src/engine/tensor';

const f = (x: NestedArray, indent?: string): string => formatTensor(Tensor.from(x), indent);

describe('cli format: scalars like Python repr', () => {
  const cases: [number, string][] = [
    [220.00000000000003, '220.00000000000003'],
    [2.2, '2.2'],
    [100, '100.0'],
    [0, '0.0'],
    [-0.5, '-0.5'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1.5e-7, '1.5e-07'],
    [1e16, '1e+16'],
    [123456789012345.6, '123456789012345.6'],
    [0.3057143290530003, '0.3057143290530003'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ];
  for (const [x, s] of cases) it(`${x} → ${s}`, () => assert.equal(formatScalar(x), s));
});

describe('cli format: arrays like numpy', () => {
  it('vectors and matrices with aligned decimal points', () => {
    assert.equal(f([10, 14, 18]), '[10. 14. 18.]');
    assert.equal(f([[1, -0.5], [-2, 3]]), '[[ 1.  -0.5]\n [-2.   3. ]]');
    assert.equal(f([[14, 32], [32, 77]]), '[[14. 32.]\n [32. 77.]]');
    assert.equal(f([0.01821127329554753, 0.24519181293507386, -0.26340308623062136]), '[ 0.01821127  0.24519181 -0.26340309]');
    assert.equal(f([0, 0]), '[0. 0.]');
  });

  it('scientific notation when values span more than 1e3 or go below 1e-4', () => {
    assert.equal(f([1e-5, 1]), '[1.e-05 1.e+00]');
    assert.equal(f([0.0001, 123456]), '[1.00000e-04 1.23456e+05]');
  });

  it('non-finite values', () => {
    assert.equal(f([NaN, 1, Infinity]), '[nan  1. inf]');
  });

  it('continuation lines are indented to the given column', () => {
    assert.equal(f([[1, 2], [3, 4]], '    '), '[[1. 2.]\n     [3. 4.]]');
  });

  it('long rows wrap at 75 characters; large arrays are summarised', () => {
    const long = f(Array.from({ length: 40 }, (_, i) => i + 0.5));
    for (const line of long.split('\n')) assert.ok(line.length <= 75, line);
    assert.ok(long.split('\n').length > 1);
    const big = f(Array.from({ length: 2000 }, (_, i) => i));
    assert.match(big, /^\[0\.000e\+00 1\.000e\+00 2\.000e\+00 \.\.\. 1\.997e\+03 1\.998e\+03 1\.999e\+03\]$/);
    const m = formatTensor(Tensor.zeros([100, 100]));
    assert.equal(m.split('\n').length, 7);
    assert.match(m.split('\n')[3], /^ \.\.\.$/);
  });
});

describe('cli format: the same strings as real numpy', () => {
  type Case = { x: unknown; s: string; scalar?: boolean };
  const fixture = JSON.parse(readFileSync(join(__dirname, 'format-numpy.json'), 'utf8')) as { cases: Case[] };
  const decode = (x: unknown): NestedArray => {
    if (Array.isArray(x)) return x.map(decode) as NestedArray;
    if (x === 'nan') return NaN;
    if (x === 'inf') return Infinity;
    if (x === '-inf') return -Infinity;
    return x as number;
  };
  for (const c of fixture.cases) {
    it(JSON.stringify(c.s.length > 40 ? `${c.s.slice(0, 40)}…` : c.s), () => {
      const x = decode(c.x);
      assert.equal(c.scalar ? formatScalar(x as number) : formatTensor(Tensor.from(x)), c.s);
    });
  }
});
