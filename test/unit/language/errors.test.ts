import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile } from '../../../src/language/index';
import { MAX_CHAIN, MAX_NESTING, MAX_NODES, MAX_SOURCE_LENGTH, MAX_TENSOR_SIZE, MAX_TREE_HEIGHT } from '../../../src/language/limits';

/** [source, expected "line:column" of the first error, a fragment of its message]. */
const ERRORS: [string, string, RegExp][] = [
  // names
  ['y = x + 1', '1:5', /'x' is not defined/],
  ['x = x * 2', '1:5', /'x' is used in its own definition before it has a value/],
  ['x += 1', '1:1', /'x' is used in its own definition before it has a value/],
  ['y = 2\nx = y * 2\nx = x', '3:5', /'x = x' changes nothing/],
  ['x = x + 1', '1:5', /'x' is used in its own definition/],
  ['y = z\nz = 1', '1:5', /'z' is used before it is defined \(on line 2\)/],
  ['x = 1\ny = x', '2:5', /second name/],
  ['relu = 1', '1:1', /name of a function/],
  ['x = 1\ny = x(2)', '2:5', /'x' is a variable, not a function/],
  ['x = 1\ny = relu', '2:5', /'relu' is a function; call it/],
  ['apple = 1\ny = appel * 2', '2:5', /'appel' is not defined \(did you mean 'apple'\?\)/],
  // functions
  ['x = 1\ny = sigmod(x)', '2:5', /unknown function 'sigmod' \(did you mean 'sigmoid'\?\)/],
  ['x = softmax(1)', '1:5', /did you mean 'softmax_with_loss'/],
  ['x = 1\ny = frobnicate(x)', '2:5', /unknown function 'frobnicate'; the functions are zeros, ones/],
  ['x = 1\ny = relu(x, x)', '2:5', /relu\(x\) takes 1 argument, but 2 were given/],
  ['y = affine(1, 2)', '1:5', /affine\(x, W, b\) takes 3 arguments, but 2 were given/],
  ['x = ones(1, 2, 3)', '1:5', /takes 1 or 2 arguments, but 3 were given/],
  ['x = eye(2, 2)', '1:5', /eye\(n\) takes 1 argument/],
  ['x = zeros(0)', '1:11', /whole number of at least 1, not 0/],
  ['x = zeros(2.5)', '1:11', /whole number of at least 1, not 2.5/],
  ['x = [1, 2]\nt = x * 1\ny = softmax_with_loss(x, t)', '3:26', /t must be the one-hot labels/],
  // shapes
  ['x = [[1, 2], [3]]', '1:14', /ragged matrix: row 2 has 1 value but row 1 has 2/],
  ['x = [[1, 2]]\ny = x @ x', '2:5', /shapes \(1, 2\) and \(1, 2\) cannot be matrix-multiplied: inner sizes 2 and 1 differ/],
  ['x = [1, 2]\ny = x * [1, 2, 3]', '2:5', /cannot be broadcast together/],
  ['x = [[[1]]]', '1:6', /only vectors .* and matrices/],
  ['x = [1, [2]]', '1:9', /mixes numbers and rows/],
  ['x = []', '1:5', /empty vector/],
  ['x = 1\ny = [x, 1]', '2:6', /must be numbers or constant expressions/],
  // exponent
  ['x = 1\ny = 2 ** x', '2:10', /exponent of \*\* must be a constant number/],
  ['x = 1\ny = x ** [1, 2]', '2:10', /exponent of \*\* must be a single number/],
  // tokens and brackets
  ['x = 1 $ 2', '1:7', /unexpected character '\$'/],
  ['x = 1\ny = x ^ 2', '2:7', /use \*\* for powers/],
  ['x = 1\ny = x; z = 1', '2:6', /one statement per line/],
  ['x = 12abc', '1:5', /'12abc' is not a number or a name .*write 12 \* abc/],
  ['x = 1.2.3', '1:5', /at most one decimal point/],
  ['x = 0x1f', '1:5', /only decimal numbers/],
  ['x = 1_000', '1:5', /without _, e\.g\. 1000/],
  ['x = 1e', '1:5', /exponent without digits/],
  ['x = "a"', '1:5', /strings are file names given to load/],
  ['x = load("a.npy', '1:10', /string is never closed/],
  ['x = load(1)', '1:10', /arguments of load\(…\) are strings/],
  ['x = load("a.csv")', '1:10', /must end in \.npy .* or \.npz/],
  ['x = load("a.npy")', '1:5', /'a\.npy' was not read/],
  ['x = [[1, 2], [3, 4]]\nt = [[0, 1], [0.5, 0.5]]\ny = softmax_with_loss(x, t)', '3:26', /neither one-hot rows nor class indices: t\[1, 0\] = 0\.5/],
  ['x = [[1, 2], [3, 4]]\nt = [[0, 1], [1, 1]]\ny = softmax_with_loss(x, t)', '3:26', /row 1 of the one-hot labels t has 2 ones/],
  ['x = [[1, 2], [3, 4]]\ny = softmax_with_loss(x, [1, 2])', '2:26', /class index t\[1\] = 2 is out of range: x has 2 classes/],
  ['x = [[1, 2], [3, 4]]\ny = softmax_with_loss(x, [1, 0.5])', '2:26', /t\[1\] = 0\.5 is not a whole number/],
  ['x = [[1, 2], [3, 4]]\ny = softmax_with_loss(x, [1, 0, 1])', '2:5', /class indices of shape \(2,\), but t is \(3,\)/],
  ['x = [[1, 2], [3, 4]]\ny = softmax_with_loss(x, [-1, 0])', '2:26', /t\[0\] = -1 is out of range/],
  ['x = （1）', '1:5', /full-width character; type the ASCII '\('/],
  ['x = 2 · 3', '1:7', /use \* to multiply elementwise or @/],
  ['x = 1\u200b', '1:6', /unexpected character U\+200B/],
  ['x = (1 + 2', '1:5', /'\(' is never closed/],
  ['x = [1, 2', '1:5', /'\[' is never closed/],
  ['x = (1]', '1:7', /'\(' is closed with '\]'/],
  ['x = 1)', '1:6', /'\)' has no matching opening bracket/],
  ['x = 1 +', '1:8', /incomplete/],
  ['x = 1 2', '1:7', /operator missing/],
  ['x =', '1:3', /needs an expression/],
  ['x', '1:1', /on its own does nothing/],
  ['1 = x', '1:1', /must start with a name/],
  ['x = 1 = 2', '1:7', /unexpected '='/],
  ['seed', '1:5', /'seed' needs a whole number/],
  ['seed 1.5', '1:6', /seed must be a whole number/],
  // programs
  ['', '1:1', /no assignment/],
  ['# only a comment\n\n', '1:1', /no assignment/],
  ['seed 3', '1:1', /no assignment/],
  // non-finite values
  ['x = 1e999', '1:5', /too large for a float64/],
  ['x = NaN', '1:5', /'NaN' is not allowed/],
  ['x = Infinity', '1:5', /'Infinity' is not allowed/],
  ['x = 1 / 0', '1:5', /gives Infinity/],
  ['x = log(0)', '1:5', /gives -Infinity/],
  // limits
  ['x = zeros(1e9, 1e9)', '1:5', /the limit is 1,000,000 per tensor/],
  ['x = ones(1000, 1000)\ny = ones(1000, 1)\nz = x @ y\nw = x * 2 + (y * ones(1, 1001))', '4:14', /limit is 1,000,000 per tensor/],
];

describe('language: errors with line and column', () => {
  for (const [src, where, message] of ERRORS) {
    it(`${JSON.stringify(src)} → ${where} ${message.source}`, () => {
      const r = compile(src);
      assert.equal(r.graph, undefined);
      assert.ok(r.diagnostics.length > 0, 'expected an error');
      const d = r.diagnostics[0];
      assert.equal(d.severity, 'error');
      assert.equal(`${d.range.start.line}:${d.range.start.column}`, where, d.message);
      assert.match(d.message, message);
    });
  }

  it('collects several errors instead of stopping at the first', () => {
    const src = ['x = [1, 2', 'y = x @ zz', 'z = relu(y', 'w = sigmod(3)', 'v = 1 $ 2', 'ok = 1', 'u = ok * 2'].join('\n');
    const r = compile(src);
    assert.deepEqual(
      r.diagnostics.map((d) => d.range.start.line),
      [1, 2, 3, 4, 5],
    );
  });

  it('a name from a line with an error does not cause follow-up errors', () => {
    const r = compile('x = [[1, 2], [3]]\ny = x * 2\nz = y + 1');
    assert.equal(r.diagnostics.length, 1);
  });

  it('an unclosed bracket followed by a new statement resumes at that statement', () => {
    const r = compile('x = [1, 2,\ny = q');
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.column}`),
      ['1:5', '2:5'],
    );
  });

  it('an error inside a multi-line matrix skips the whole matrix', () => {
    const r = compile('M = [[1, 2],\n     [3, $]]\ny = M * 2');
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].range.start.line, 2);
  });

  it('diagnostics come sorted by position', () => {
    const r = compile('a = 1 $\nb = zz\nc = 2 ^ 3');
    const keys = r.diagnostics.map((d) => d.range.start.line * 1000 + d.range.start.column);
    assert.deepEqual(keys, [...keys].sort((p, q) => p - q));
  });
});

describe('language: limits are errors, never crashes', () => {
  const firstError = (src: string): string => {
    const r = compile(src);
    assert.equal(r.graph, undefined);
    assert.ok(r.diagnostics.length > 0);
    return r.diagnostics[0].message;
  };

  it(`nesting deeper than ${MAX_NESTING} parentheses`, () => {
    assert.match(firstError(`x = ${'('.repeat(90_000)}1${')'.repeat(90_000)}`), /nested too deeply/);
    assert.ok(compile(`x = ${'('.repeat(MAX_NESTING - 1)}1${')'.repeat(MAX_NESTING - 1)}\ny = x * 2`).graph);
  });

  it('deep brackets, unary minus chains, calls and ** chains', () => {
    assert.match(firstError(`x = ${'['.repeat(50_000)}`), /nested too deeply/);
    assert.match(firstError(`x = ${'-'.repeat(50_000)}1`), /nested too deeply/);
    assert.match(firstError(`x = 1\ny = ${'relu('.repeat(10_000)}x${')'.repeat(10_000)}`), /nested too deeply/);
    assert.match(firstError(`x = 2${' ** 2'.repeat(10_000)}`), /nested too deeply/);
  });

  it(`operator chains longer than ${MAX_CHAIN}`, () => {
    assert.match(firstError(`x = 1\ny = x${' + x'.repeat(MAX_CHAIN + 10)}`), /chains more than/);
    assert.match(firstError(`x = 1${' * 1'.repeat(40_000)}`), /chains more than/);
  });

  it(`syntax trees taller than ${MAX_TREE_HEIGHT} (chains inside parentheses inside chains)`, () => {
    let e = 'x';
    for (let i = 0; i < 45; i++) e = `(${e})${' * 1'.repeat(900)}`;
    assert.match(firstError(`x = 2\ny = ${e}`), /too long and deeply nested/);
  });

  it(`graphs of more than ${MAX_NODES} nodes`, () => {
    const lines = ['x = 1'];
    for (let i = 0; i < MAX_NODES + 10; i++) lines.push(`v${i} = x * ${i + 1}`);
    const r = compile(lines.join('\n'));
    assert.equal(r.graph, undefined);
    assert.equal(r.diagnostics.length, 1);
    assert.match(r.diagnostics[0].message, /more than 5,000 nodes/);
  });

  it('too many nodes after expanding composites', () => {
    const lines = ['x = 1'];
    for (let i = 0; i < 1500; i++) lines.push(`s${i} = sigmoid(x)`);
    assert.ok(compile(lines.join('\n')).graph);
    const r = compile(lines.join('\n'), { expand: true });
    assert.equal(r.graph, undefined);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /expanding the composite layers gives/);
  });

  it(`tensors of more than ${MAX_TENSOR_SIZE.toLocaleString('en-US')} elements`, () => {
    assert.match(firstError('x = randn(100000, 100000)'), /limit is 1,000,000 per tensor/);
    assert.match(firstError('x = eye(1e6)'), /limit is 1,000,000 per tensor/);
    assert.match(firstError('x = ones(1, 1000000)\ny = ones(1000000, 1)\nz = x + y'), /limit is 1,000,000 per tensor/);
  });

  it('folding expensive constants while compiling is bounded (reported once)', () => {
    const r = compile(`W = ones(1000, 1000) @ ones(1000, 1000)\nx = ${'ones(1000, 1000) * 2 + '.repeat(5)}1\ny = x * W`);
    assert.equal(r.graph, undefined);
    assert.equal(r.diagnostics.length, 1);
    assert.match(r.diagnostics[0].message, /more than the 5,000,000 allowed while compiling/);
    assert.ok(compile('W1 = 0.01 * randn(784, 50)\nx = ones(3, 784) / 255\nh = x @ W1').graph);
  });

  it('the arithmetic of one forward pass is bounded', () => {
    assert.match(firstError('A = ones(1000, 1000)\nB = ones(1000, 1000)\nC = A @ B'), /one forward pass .* more than the limit of 200,000,000/);
    assert.ok(compile('A = ones(300, 300)\nB = ones(300, 300)\nC = A @ B').graph);
  });

  it('total size over the whole graph', () => {
    const lines = ['x = ones(1000, 1000)'];
    for (let i = 0; i < 10; i++) lines.push(`y${i} = x * ${i + 2}`);
    assert.match(firstError(lines.join('\n')), /add up to more than/);
  });

  it(`sources longer than ${MAX_SOURCE_LENGTH.toLocaleString('en-US')} characters`, () => {
    assert.match(firstError(`x = 1\n${'#'.repeat(MAX_SOURCE_LENGTH)}`), /file is too long/);
  });

  it('an open bracket followed by a huge number of blank lines (linear, not quadratic)', () => {
    assert.match(firstError(`x = (${'\n'.repeat(190_000)}`), /'\(' is never closed/);
    assert.ok(compile(`x = [1,${'\n'.repeat(190_000)}2]\ny = sum(x)`).graph);
  });

  it('thousands of undefined names among thousands of defined ones (suggestions are bounded)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 2500; i++) lines.push(`abcdef${i} = 1`);
    for (let k = 0; k < 40; k++) lines.push(`y${k} = ${Array.from({ length: 300 }, (_, j) => `qq${k * 300 + j}`).join(' + ')}`);
    const r = compile(lines.join('\n'));
    assert.equal(r.diagnostics.filter((d) => /is not defined/.test(d.message)).length, 12_000);
    assert.match(compile('apple = 1\ny = appl * 2').diagnostics[0].message, /did you mean 'apple'/);
  });

  it('many errors in a long file still finish', () => {
    const r = compile('$\n'.repeat(50_000));
    assert.equal(r.diagnostics.length, 50_000);
  });

  it('a huge number literal list within the source cap', () => {
    const r = compile(`x = [${Array.from({ length: 30_000 }, (_, i) => i % 10).join(', ')}]\ny = sum(x)`);
    assert.ok(r.graph);
  });

  it('non-string input becomes a diagnostic', () => {
    const r = compile(42 as unknown as string);
    assert.equal(r.diagnostics.length, 1);
  });
});
