/**
 * Fuzzing the compiler: random token soups and mutations of the example files. `compile` must
 * never throw, never report an internal error, and every diagnostic must have a valid range inside
 * the document.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { SourcePosition } from '../../../src/engine/graph';
import { compile, type CompileResult } from '../../../src/language/index';

const DIR = join(__dirname, '..', '..', '..', 'examples');
const EXAMPLES = readdirSync(DIR)
  .filter((f) => f.endsWith('.backprop'))
  .map((f) => readFileSync(join(DIR, f), 'utf8'));

/** Lines as the lexer counts them: \r\n, \r and \n each end a line. */
function lineLengths(source: string): number[] {
  return source.split(/\r\n|\r|\n/).map((l) => l.length);
}

function validPosition(p: SourcePosition, lines: number[]): boolean {
  return Number.isInteger(p.line) && Number.isInteger(p.column) && p.line >= 1 && p.line <= lines.length && p.column >= 1 && p.column <= lines[p.line - 1] + 1;
}

/** Compiles and checks the invariants; returns the result for further checks. */
function checkCompile(source: string, expand = false): CompileResult {
  let r: CompileResult;
  try {
    r = compile(source, { expand });
  } catch (e) {
    assert.fail(`compile threw on ${JSON.stringify(source.slice(0, 200))}: ${String(e)}`);
  }
  const lines = lineLengths(source);
  for (const d of r.diagnostics) {
    assert.ok(!d.message.startsWith('internal error'), `${d.message} for ${JSON.stringify(source.slice(0, 200))}`);
    assert.ok(d.message.length > 0);
    assert.ok(validPosition(d.range.start, lines), `bad start ${JSON.stringify(d.range)} (${d.message}) in ${JSON.stringify(source.slice(0, 200))}`);
    assert.ok(validPosition(d.range.end, lines), `bad end ${JSON.stringify(d.range)} (${d.message}) in ${JSON.stringify(source.slice(0, 200))}`);
    const ordered = d.range.start.line < d.range.end.line || (d.range.start.line === d.range.end.line && d.range.start.column <= d.range.end.column);
    assert.ok(ordered, `reversed range ${JSON.stringify(d.range)}`);
  }
  const hasErrors = r.diagnostics.some((d) => d.severity === 'error');
  assert.equal(r.graph === undefined, hasErrors, 'a graph exactly when there are no errors');
  if (r.graph) {
    for (const n of r.graph.nodes) {
      assert.ok(validPosition(n.range.start, lines) && validPosition(n.range.end, lines), `node range ${JSON.stringify(n.range)}`);
      for (const i of n.inputs) assert.ok(i < n.id, 'topological order');
    }
    const labels = r.graph.nodes.map((n) => n.label);
    assert.equal(new Set(labels).size, labels.length, 'unique labels');
  }
  return r;
}

const TOKENS = [
  'x', 'y', 'z', 'W', 'b', 't', 'apple', '사과', 'x2', '_', 'seed', 'relu', 'sigmoid', 'tanh', 'exp', 'log', 'sum', 'mean', 'affine',
  'softmax_with_loss', 'zeros', 'ones', 'randn', 'eye', 'foo', 'NaN', 'inf',
  // Members every JavaScript object has: names must never be looked up on Object.prototype.
  'constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'prototype', 'isPrototypeOf', '__defineGetter__',
  '0', '1', '2', '-1', '0.5', '.5', '1e-3', '1e999', '3.', '1e', '12abc', '1000000', '1e9',
  '+', '-', '*', '/', '@', '**', '=', '(', ')', '[', ']', ',', '#', '$', '^', ';', '"', '\t', ' ', '\n', '\r\n', '\r', '\u00a0', 'é', '🙂', '\ud800',
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((ts) => ts.join(' '));

/** Token soups that tend to be statements: `name = …` lines. */
const statementSoup = fc
  .array(
    fc.tuple(fc.constantFrom('x', 'y', 'z', 'W', 'b', 't', 'a1', 'loss'), fc.array(fc.constantFrom(...TOKENS.filter((t) => !t.includes('\n') && !t.includes('\r'))), { minLength: 1, maxLength: 12 })),
    { maxLength: 12 },
  )
  .map((lines) => lines.map(([name, ts]) => `${name} = ${ts.join(' ')}`).join('\n'));

type Mutation = { kind: 'insert' | 'delete' | 'replace'; at: number; text: string } | { kind: 'dupLine' | 'dropLine' | 'swapLines'; at: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('insert' as const, 'delete' as const, 'replace' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 3 })) }),
  fc.record({ kind: fc.constantFrom('dupLine' as const, 'dropLine' as const, 'swapLines' as const), at: fc.nat(), other: fc.nat() }),
);

function mutate(source: string, m: Mutation): string {
  if ('text' in m) {
    const at = m.at % (source.length + 1);
    if (m.kind === 'insert') return source.slice(0, at) + m.text + source.slice(at);
    if (m.kind === 'delete') return source.slice(0, at) + source.slice(at + 1 + (m.text.length % 4));
    return source.slice(0, at) + m.text + source.slice(at + m.text.length);
  }
  if (!('other' in m)) return source;
  const lines = source.split('\n');
  const i = m.at % lines.length;
  const j = m.other % lines.length;
  if (m.kind === 'dupLine') lines.splice(i, 0, lines[i]);
  else if (m.kind === 'dropLine') lines.splice(i, 1);
  else [lines[i], lines[j]] = [lines[j], lines[i]];
  return lines.join('\n');
}

const mutatedExample = fc.tuple(fc.constantFrom(...EXAMPLES), fc.array(mutation, { minLength: 1, maxLength: 8 })).map(([src, ms]) => ms.reduce(mutate, src));

describe('fuzz: compile never throws and every diagnostic has a valid range', () => {
  it('random token soups (3000 cases)', () => {
    fc.assert(fc.property(tokenSoup, (src) => void checkCompile(src)), { numRuns: 3000, seed: 20261129 });
  });

  it('random statement-shaped soups (3000 cases)', () => {
    fc.assert(fc.property(statementSoup, (src) => void checkCompile(src)), { numRuns: 3000, seed: 4242 });
  });

  it('mutated example files (8000 cases, half of them expanded)', () => {
    fc.assert(
      fc.property(mutatedExample, fc.boolean(), (src, expand) => void checkCompile(src, expand)),
      { numRuns: 8000, seed: 777 },
    );
  });

  it('arbitrary unicode strings (2000 cases)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (src) => void checkCompile(src)), { numRuns: 2000, seed: 99 });
  });

  it('pathological repetitions: deep nesting, long chains, huge sizes (300 cases)', () => {
    const fragment = fc.constantFrom('(', ')', '[', ']', '-', '+', 'relu(', '1*', 'x*', '(1)*', '**2', ' + x', '[1,', 'zeros(1e9,', '\n', '# c\n', 'x = ', ',');
    const piece = fc.tuple(fragment, fc.integer({ min: 1, max: 5000 })).map(([f, n]) => f.repeat(n));
    const program = fc.array(piece, { minLength: 1, maxLength: 6 }).map((ps) => `x = 1\ny = ${ps.join('')}`);
    fc.assert(fc.property(program, (src) => void checkCompile(src)), { numRuns: 300, seed: 31337 });
  });

  it('built-in member names as variables and functions, and long names (400 cases, each within 2 s)', () => {
    const member = fc.constantFrom('constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'prototype', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__lookupGetter__', 'x');
    const longName = fc.tuple(fc.constantFrom('a', 'w', '_', 'é', '가'), fc.integer({ min: 60, max: 5_000 }), fc.constantFrom('', 'b', '1')).map(([c, n, tail]) => c.repeat(n) + tail);
    const name = fc.oneof(member, longName);
    const line = fc.oneof(
      fc.tuple(name, name).map(([a, b]) => `${a} = ${b} * 2`),
      fc.tuple(name, name).map(([a, b]) => `${a} = ${b}(x)`),
      name.map((a) => `${a} = 1`),
      fc.tuple(name, name, name).map(([a, b, c]) => `${a} = ${b} + ${c}`),
    );
    const program = fc.array(line, { minLength: 1, maxLength: 6 }).map((ls) => `x = 1\n${ls.join('\n')}`);
    fc.assert(
      fc.property(program, (src) => {
        const t0 = performance.now();
        const r = checkCompile(src);
        assert.ok(performance.now() - t0 < 2000, 'compile took over 2 s');
        for (const d of r.diagnostics) assert.doesNotMatch(d.message, /internal error|undefined|\[object/, d.message);
      }),
      { numRuns: 400, seed: 1111 },
    );
  });

  it('every unmutated example compiles without diagnostics', () => {
    for (const src of EXAMPLES) assert.deepEqual(checkCompile(src).diagnostics, []);
  });
});
