/**
 * Expressions of the `.backprop` language evaluated over given values: what the debugger's Debug
 * Console, Watch, hovers and breakpoint conditions compute at its cursor. The text is lexed,
 * parsed and compiled by the language itself (one parser), as if it were the right-hand side of an
 * assignment; every name is a constant taken from the resolver, so the whole expression folds
 * into one value with the engine's own forward computations, under the compiler's limits.
 *
 * Two additions exist for the debugger only:
 * - `grad(name)`: the gradient of a named value at the cursor (the resolver gets `grad(name)`).
 * - conditions may compare once: `a > b`, `>=`, `<`, `<=`, `==`, `!=`; with tensors the condition
 *   holds when it holds for every element (numpy broadcasting, then `all()`). Without a
 *   comparison a condition holds when every element of its value is non-zero.
 * Errors carry their 1-based column (and line) in the expression text; nothing here throws.
 */
import type { SourceRange } from '../engine/graph';
import { broadcastBinary } from '../engine/ops';
import { broadcastShapes } from '../engine/shapes';
import { shapeToString, type Tensor } from '../engine/tensor';
import type { Expr } from './ast';
import { lowerProgram, type NameResolver } from './compiler';
import { lex, type Token } from './lexer';
import { parse } from './parser';

export type { NameResolver };

/** A failed evaluation: the message and where in the expression text it points. */
export interface EvaluationError {
  message: string;
  range: SourceRange;
}

export type EvaluationResult = { value: Tensor } | { error: EvaluationError };

/** Longest expression text accepted (a debugger expression is one line or a few). */
export const MAX_EXPRESSION_LENGTH = 10_000;

/** The synthetic assignment target; not an identifier, so it never collides with a name. */
const TARGET = '<expression>';
const NOWHERE: SourceRange = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

function fail(message: string, range: SourceRange = NOWHERE): EvaluationResult {
  return { error: { message, range } };
}

/** The resolver's key for `grad(name)`. */
export function gradKey(name: string): string {
  return `grad(${name})`;
}

/** Evaluates one expression of the language; names come from `resolve`. */
export function evaluateExpression(text: string, resolve: NameResolver): EvaluationResult {
  try {
    if (text.length > MAX_EXPRESSION_LENGTH) return fail(`the expression is too long (${text.length} characters; the limit is ${MAX_EXPRESSION_LENGTH})`);
    if (text.trim() === '') return fail('the expression is empty: write one, e.g. x * 2 or grad(x)');
    const lexed = lex(text);
    const lexError = lexed.diagnostics.find((d) => d.severity === 'error');
    if (lexError) return fail(lexError.message, lexError.range);
    // `<expression> = TEXT`: the two tokens in front keep every real token at its own position.
    const tokens: Token[] = [{ kind: 'ident', text: TARGET, range: NOWHERE }, { kind: '=', text: '=', range: NOWHERE }, ...lexed.tokens];
    const parsed = parse(tokens);
    const statements = parsed.program.statements;
    if (statements.length > 1) return fail('write one expression (no assignments, one line)', statements[1].range);
    const parseError = parsed.diagnostics.find((d) => d.severity === 'error');
    if (parseError) return fail(parseError.message, parseError.range);
    if (statements.length !== 1 || statements[0].kind !== 'assign') return fail('write one expression (no assignments, one line)');
    const rewritten = rewriteGrad(statements[0].expr);
    if ('error' in rewritten) return { error: rewritten.error };
    const lowered = lowerProgram({ statements: [{ ...statements[0], expr: rewritten.expr }] }, {}, false, resolve);
    const error = lowered.diagnostics.find((d) => d.severity === 'error');
    if (error) return fail(error.message, error.range);
    const out = lowered.graph?.nodes[lowered.graph.output];
    if (!out?.value) return fail('the expression has no value');
    return { value: out.value };
  } catch (e) {
    return fail(`internal error while evaluating: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `grad(x)` → the name `grad(x)` (looked up by the resolver); any other use of grad is an error. */
function rewriteGrad(e: Expr): { expr: Expr } | { error: EvaluationError } {
  switch (e.kind) {
    case 'number':
    case 'string':
    case 'name':
      return { expr: e };
    case 'unary': {
      const r = rewriteGrad(e.operand);
      return 'error' in r ? r : { expr: { ...e, operand: r.expr } };
    }
    case 'binary': {
      const l = rewriteGrad(e.left);
      if ('error' in l) return l;
      const r = rewriteGrad(e.right);
      return 'error' in r ? r : { expr: { ...e, left: l.expr, right: r.expr } };
    }
    case 'call': {
      if (e.callee === 'grad') {
        const arg = e.args[0];
        if (e.args.length !== 1 || arg.kind !== 'name') {
          return { error: { message: 'grad(name) takes the name of one value, e.g. grad(W)', range: e.range } };
        }
        return { expr: { kind: 'name', name: gradKey(arg.name), range: e.range } };
      }
      const args: Expr[] = [];
      for (const a of e.args) {
        const r = rewriteGrad(a);
        if ('error' in r) return r;
        args.push(r.expr);
      }
      return { expr: { ...e, args } };
    }
    case 'array': {
      const elements: Expr[] = [];
      for (const a of e.elements) {
        const r = rewriteGrad(a);
        if ('error' in r) return r;
        elements.push(r.expr);
      }
      return { expr: { ...e, elements } };
    }
  }
}

type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

const COMPARE: Record<Comparison, (d: number) => boolean> = {
  '<': (d) => d < 0,
  '<=': (d) => d <= 0,
  '>': (d) => d > 0,
  '>=': (d) => d >= 0,
  '==': (d) => d === 0,
  '!=': (d) => d !== 0,
};

export type ConditionResult = { holds: boolean } | { error: EvaluationError };

/** Where the text compares: each operator with its offset. */
function comparisons(text: string): { op: Comparison; at: number }[] {
  const found: { op: Comparison; at: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const two = text.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '==' || two === '!=') {
      found.push({ op: two, at: i });
      i++;
    } else if (c === '<' || c === '>') {
      found.push({ op: c, at: i });
    }
  }
  return found;
}

/** The line and column (1-based) of an offset in `text`. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** `text` with [from, to) blanked (line breaks kept), so positions in the rest stay the same. */
function blank(text: string, from: number, to: number): string {
  return text.slice(0, from) + text.slice(from, to).replace(/[^\n]/g, ' ') + text.slice(to);
}

/** A breakpoint condition: an expression, or two compared once. */
export function evaluateCondition(text: string, resolve: NameResolver): ConditionResult {
  const ops = comparisons(text);
  if (ops.length > 1) {
    const p = positionOf(text, ops[1].at);
    return { error: { message: `a condition compares once: write a ${ops[0].op} b, not a chain`, range: { start: p, end: { line: p.line, column: p.column + ops[1].op.length } } } };
  }
  if (ops.length === 0) {
    const r = evaluateExpression(text, resolve);
    if ('error' in r) return r;
    return { holds: r.value.data.length > 0 && r.value.data.every((x) => x !== 0) };
  }
  const { op, at } = ops[0];
  const end = at + op.length;
  const opStart = positionOf(text, at);
  const opRange = { start: opStart, end: { line: opStart.line, column: opStart.column + op.length } };
  if (text.slice(0, at).trim() === '' || text.slice(end).trim() === '') {
    return { error: { message: `'${op}' needs a value on each side`, range: opRange } };
  }
  const left = evaluateExpression(blank(text, at, text.length), resolve);
  if ('error' in left) return left;
  const right = evaluateExpression(blank(text, 0, end), resolve);
  if ('error' in right) return right;
  const shape = broadcastShapes(left.value.shape, right.value.shape);
  if (typeof shape === 'string') {
    return { error: { message: `cannot compare shapes ${shapeToString(left.value.shape)} and ${shapeToString(right.value.shape)}: ${shape}`, range: opRange } };
  }
  const test = COMPARE[op];
  const diff = broadcastBinary(left.value, right.value, (a, b) => (a === b ? 0 : a < b ? -1 : a > b ? 1 : NaN));
  return { holds: diff.data.every((d) => (Number.isNaN(d) ? op === '!=' : test(d))) };
}
