import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, definitionOf, identifierAt, nameAt, nodeForLabel, nodeForLine, nodeForName, nodesAt, statementAtLine } from '../../../src/language/index';
import { compileOk, tree } from './helpers';

const ABC = 'a = 1\nb = 2\nc = 3\n';

describe('language: operator precedence (numpy)', () => {
  const cases: [string, string][] = [
    ['y = a + b * c', 'add(a, mul(b, c))'],
    ['y = a * b + c', 'add(mul(a, b), c)'],
    ['y = a - b - c', 'sub(sub(a, b), c)'],
    ['y = a / b * c', 'mul(div(a, b), c)'],
    ['y = a * (b + c)', 'mul(a, add(b, c))'],
    ['y = -a ** 2', 'neg(pow(a, ^2))'],
    ['y = (-a) ** 2', 'pow(neg(a), ^2)'],
    ['y = a ** 2 * b', 'mul(pow(a, ^2), b)'],
    ['y = -a * b', 'mul(neg(a), b)'],
    ['y = a - -b', 'sub(a, neg(b))'],
    ['y = a ** -1', 'pow(a, ^-1)'],
    ['y = a ** 2 ** 3', 'pow(a, ^8)'],
    ['y = +a * b', 'mul(a, b)'],
    ['y = a * (2 * 3)', 'mul(a, 6)'],
    ['y = a + 1 + b', 'add(add(a, 1), b)'],
  ];
  for (const [src, expected] of cases) {
    it(`${src}  →  ${expected}`, () => {
      assert.equal(tree(compileOk(ABC + src)), expected);
    });
  }

  it('@ has the level of * and /, left-associative', () => {
    const g = compileOk('A = ones(2, 2)\nB = ones(2, 2)\ns = 2\ny = s * A @ B\nz = A @ B * s');
    assert.equal(tree(g, nodeForName(g, 'y')?.id), 'matmul(mul(s, A), B)');
    assert.equal(tree(g, nodeForName(g, 'z')?.id), 'mul(matmul(A, B), s)');
  });

  it('** is right-associative and binds tighter than unary minus (constants fold)', () => {
    const g = compileOk('p = 2 ** 3 ** 2\nq = -2 ** 2\nr = 2 ** -1\nout = p + q + r');
    assert.equal(nodeForName(g, 'p')?.value?.item(), 512);
    assert.equal(nodeForName(g, 'q')?.value?.item(), -4);
    assert.equal(nodeForName(g, 'r')?.value?.item(), 0.5);
  });
});

describe('language: literals, leaves and folding', () => {
  it('reads the number forms', () => {
    const g = compileOk('a = 1\nb = -2.5\nc = 1e-3\nd = .5\ne = 1E+2\nf = 3.\ny = a + b + c + d + e + f');
    const v = (n: string): number | undefined => nodeForName(g, n)?.value?.item();
    assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f'].map(v), [1, -2.5, 0.001, 0.5, 100, 3]);
  });

  it('a name bound to an expression without names is a non-constant leaf with the folded value', () => {
    const g = compileOk('b = -1\ny = 2 * 3\nW = 0.5 * ones(2, 3)\nz = b * y');
    for (const name of ['b', 'y', 'W']) {
      const n = nodeForName(g, name);
      assert.equal(n?.op, 'leaf', name);
      assert.notEqual(n?.constant, true, name);
    }
    assert.equal(nodeForName(g, 'y')?.value?.item(), 6);
    assert.deepEqual(nodeForName(g, 'W')?.value?.toNested(), [
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
  });

  it('vectors and matrices, also over several lines and with a trailing comma', () => {
    const g = compileOk('v = [1, 2, 3]\nM = [[1, 2],\n     [3, 4],\n]\ny = v * 2\nz = M * 2');
    assert.deepEqual(nodeForName(g, 'v')?.shape, [3]);
    assert.deepEqual(nodeForName(g, 'M')?.value?.toNested(), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(nodeForName(g, 'z')?.shape, [2, 2]);
  });

  it('constant functions: zeros, ones, eye, randn with vector forms', () => {
    const g = compileOk('a = zeros(3)\nb = ones(2, 3)\nc = eye(2)\nd = randn(4)\ny = sum(a) + sum(b) + sum(c) + sum(d)');
    assert.deepEqual(nodeForName(g, 'a')?.value?.toNested(), [0, 0, 0]);
    assert.deepEqual(nodeForName(g, 'c')?.value?.toNested(), [
      [1, 0],
      [0, 1],
    ]);
    assert.deepEqual(nodeForName(g, 'd')?.shape, [4]);
  });

  it('seed N makes randn reproducible and resets the generator', () => {
    const g = compileOk('seed 7\nA = randn(2, 2)\nB = randn(2, 2)\nseed 7\nC = randn(2, 2)\ny = A + B + C');
    const v = (n: string): unknown => nodeForName(g, n)?.value?.toNested();
    assert.deepEqual(v('A'), v('C'));
    assert.notDeepEqual(v('A'), v('B'));
    const again = compileOk('seed 7\nA = randn(2, 2)\ny = A * 1');
    assert.deepEqual(nodeForName(again, 'A')?.value?.toNested(), v('A'));
  });

  it('unnamed literals become constant leaves; softmax_with_loss labels are constant', () => {
    const g = compileOk('x = [[0.3, 2.9, 4.0]]\nt = [[0, 0, 1]]\nloss = softmax_with_loss(x * 2, t)');
    assert.equal(nodeForName(g, 't')?.constant, true);
    assert.notEqual(nodeForName(g, 'x')?.constant, true);
    const consts = g.nodes.filter((n) => n.op === 'leaf' && n.name === undefined);
    assert.equal(consts.length, 1);
    assert.equal(consts[0].constant, true);
    const inline = compileOk('x = [[0.3, 2.9, 4.0]]\nloss = softmax_with_loss(x, [[0, 0, 1]])');
    assert.equal(inline.nodes.filter((n) => n.constant).length, 1);
  });

  it('names may use letters of any script, as in Python 3', () => {
    const g = compileOk('사과 = 100\n개수 = 2\n가격 = 사과 * 개수');
    assert.equal(g.nodes[g.output].name, '가격');
    assert.equal(nodeForName(g, '사과')?.value?.item(), 100);
  });

  it('any Unicode space separates tokens (U+00A0, U+3000 from a Korean IME)', () => {
    const g = compileOk('x\u3000= 1\ny =\u00a0x * 2');
    assert.equal(g.nodes[g.output].name, 'y');
  });

  it('the last assignment is the output', () => {
    const g = compileOk('x = 2\ny = x * 3\nz = x + 1');
    assert.equal(g.nodes[g.output].name, 'z');
  });

  it('nodes are in topological order and every shape is known', () => {
    const g = compileOk('x = [[1, 2]]\nW = ones(2, 3)\nb = zeros(3)\nh = relu(affine(x, W, b))\ny = sum(h * h) / 2');
    for (const n of g.nodes) {
      for (const i of n.inputs) assert.ok(i < n.id);
      assert.ok(Array.isArray(n.shape));
    }
    assert.deepEqual(nodeForName(g, 'h')?.shape, [1, 3]);
    assert.deepEqual(g.nodes[g.output].shape, []);
  });
});

describe('language: warnings', () => {
  it('a named value the output does not depend on is a warning (gradient 0), the graph still compiles', () => {
    const r = compile('x = 1\nw = 5\nq = w * 2\ny = x * 2');
    assert.ok(r.graph);
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.severity} ${d.range.start.line}:${d.range.start.column}`),
      ['warning 2:1', 'warning 3:1'],
    );
    assert.match(r.diagnostics[0].message, /'w' does not affect the output 'y'.*gradient is 0/);
  });

  it('no warnings when there are errors, and none for the examples-style programs', () => {
    assert.deepEqual(compile('x = 1\nw = 5\ny = x * zz').diagnostics.map((d) => d.severity), ['error']);
    assert.deepEqual(compile('x = 1\ny = x * 2').diagnostics, []);
  });
});

describe('language: labels', () => {
  it('unnamed nodes get op+counter labels, unique and never clashing with user names', () => {
    const g = compileOk('mul1 = 3\nx = 2\ny = relu(x * 2) + x * mul1 + exp(x) * 4');
    const labels = g.nodes.map((n) => n.label);
    assert.equal(new Set(labels).size, labels.length);
    assert.equal(labels.filter((l) => l === 'mul1').length, 1);
    assert.equal(nodeForLabel(g, 'mul1')?.op, 'leaf');
    assert.ok(labels.includes('mul2'));
    assert.ok(labels.includes('relu1'));
    assert.ok(labels.includes('exp1'));
    assert.ok(labels.includes('const1'));
    assert.equal(nodeForName(g, 'y')?.label, 'y');
  });

  it('a user name defined later is still avoided', () => {
    const g = compileOk('x = 2\ny = x * 2 * 3\nmul2 = y * 1');
    const labels = g.nodes.map((n) => n.label);
    assert.equal(labels.filter((l) => l === 'mul2').length, 1);
    assert.equal(nodeForLabel(g, 'mul2')?.name, 'mul2');
  });

  it('softmax_with_loss nodes are labelled loss1, loss2, …', () => {
    const g = compileOk('x = [0.1, 0.2]\ny = softmax_with_loss(x, [0, 1]) + softmax_with_loss(x * 2, [1, 0])');
    const labels = g.nodes.map((n) => n.label);
    assert.ok(labels.includes('loss1') && labels.includes('loss2'));
  });
});

describe('language: ranges and editor helpers', () => {
  const src = 'apple = 100\napple_num = 2\n\n# comment\napple_price = apple * apple_num\n';
  const r = compile(src);

  it('nodes carry 1-based, end-exclusive ranges of their expression', () => {
    const n = r.graph && nodeForName(r.graph, 'apple_price');
    assert.deepEqual(n?.range, { start: { line: 5, column: 15 }, end: { line: 5, column: 32 } });
    const leaf = r.graph && nodeForName(r.graph, 'apple');
    assert.deepEqual(leaf?.range, { start: { line: 1, column: 9 }, end: { line: 1, column: 12 } });
  });

  it('statements list with name ranges; statementAtLine / nodeForLine', () => {
    assert.deepEqual(
      r.statements.map((s) => [s.kind, s.name, s.range.start.line, s.leaf]),
      [
        ['assign', 'apple', 1, true],
        ['assign', 'apple_num', 2, true],
        ['assign', 'apple_price', 5, false],
      ],
    );
    assert.equal(statementAtLine(r, 3), undefined);
    assert.equal(nodeForLine(r, 5)?.name, 'apple_price');
    assert.equal(nodeForLine(r, 4), undefined);
    assert.equal(definitionOf(r, 'apple_num')?.nameRange?.start.line, 2);
  });

  it('identifierAt finds definitions, uses and function names', () => {
    assert.deepEqual(identifierAt(r, { line: 5, column: 16 }), { name: 'apple', range: { start: { line: 5, column: 15 }, end: { line: 5, column: 20 } }, role: 'use', label: 'apple' });
    assert.equal(identifierAt(r, { line: 5, column: 2 })?.role, 'definition');
    assert.equal(identifierAt(r, { line: 5, column: 20 })?.name, 'apple'); // just after the name
    assert.equal(identifierAt(r, { line: 4, column: 3 }), undefined);
    const f = compile('x = 1\ny = relu(x)');
    assert.deepEqual(identifierAt(f, { line: 2, column: 6 }), { name: 'relu', range: { start: { line: 2, column: 5 }, end: { line: 2, column: 9 } }, role: 'function' });
  });

  it('nodesAt returns the innermost node first', () => {
    assert.ok(r.graph);
    const hits = nodesAt(r.graph, { line: 5, column: 15 });
    assert.equal(hits[0].name, 'apple_price');
  });

  it('multi-line statements cover all their lines', () => {
    const m = compile('M = [[1, 2],\n     [3, 4]]\ny = M * 2');
    assert.equal(statementAtLine(m, 2)?.name, 'M');
    assert.equal(m.outputName, 'y');
  });

  it('CRLF line ends give the same ranges', () => {
    const crlf = compile('x = 1\r\ny = x * 2\r\n');
    assert.deepEqual(crlf.graph && nodeForName(crlf.graph, 'y')?.range, { start: { line: 2, column: 5 }, end: { line: 2, column: 10 } });
  });
});

describe('language: expanded composites', () => {
  it('expand: sigmoid becomes four primitive nodes, affine becomes matmul + add, names kept', () => {
    const src = 'x = [[1, 2]]\nW = ones(2, 3)\nb = zeros(3)\na = affine(x, W, b)\ny = sigmoid(a)';
    const fused = compileOk(src);
    const expanded = compileOk(src, { expand: true });
    assert.ok(expanded.nodes.length > fused.nodes.length);
    assert.ok(!expanded.nodes.some((n) => n.op === 'sigmoid' || n.op === 'affine'));
    for (const name of ['x', 'W', 'b', 'a', 'y']) assert.ok(nodeForName(expanded, name), name);
    assert.equal(expanded.nodes[expanded.output].name, 'y');
  });
});

describe('language: the name at a column (the editor where no compiled identifier applies)', () => {
  it('reads names as the lexer does: any script, digits after the first letter, the end counts', () => {
    assert.deepEqual(nameAt('사과_2 = 100', 0), { start: 0, end: 4 });
    assert.deepEqual(nameAt('사과_2 = 100', 4), { start: 0, end: 4 }, 'just after the name');
    assert.equal(nameAt('사과_2 = 100', 5), undefined, 'on the space');
    assert.equal(nameAt('y = 12', 5), undefined, 'a number is not a name');
    assert.deepEqual(nameAt('y = x1*x2', 7), { start: 7, end: 9 });
    assert.deepEqual(nameAt('a = 𝑥 + b', 4), { start: 4, end: 6 }, 'a letter outside the BMP is two UTF-16 units');
    assert.equal(nameAt('', 0), undefined);
  });
});
