/**
 * Recursive-descent parser for `.backprop`, with numpy's operator precedence:
 *
 *   statement := 'seed' NUMBER | NAME '=' expr | NAME ('+=' | '-=' | '*=' | '/=' | '@=' | '**=') expr
 *   expr      := term (('+' | '-') term)*
 *   term      := unary (('*' | '/' | '@') unary)*
 *   unary     := ('-' | '+') unary | power
 *   power     := primary ('**' unary)?          # right-associative; -x**2 is -(x**2)
 *   primary   := NUMBER | STRING | NAME | NAME '(' args ')' | '(' expr ')' | '[' expr (',' expr)* ','? ']'
 *
 * `x op= e` is read as `x = x op (e)`: a new version of x, as in Python.
 *
 * One statement a line. Inside brackets a line break continues the statement (a matrix may be
 * written over several lines), unless the next line plainly starts a new statement (`name =`):
 * then the bracket is reported as unclosed and parsing resumes there.
 *
 * Errors are collected per statement: a statement that does not parse becomes a `broken`
 * statement and the parser goes on with the next line. Recursion is bounded by MAX_NESTING and the
 * height of operator chains by MAX_CHAIN, so no input can overflow the stack.
 */
import type { SourceRange } from '../engine/graph';
import type { BinaryOp, Expr, Program, Statement } from './ast';
import type { Diagnostic } from './diagnostics';
import { AUGMENTED, type Token, type TokenKind } from './lexer';
import { MAX_CHAIN, MAX_NESTING, MAX_TREE_HEIGHT } from './limits';

/** Thrown inside the parser only; caught at statement level. `silent` when already reported. */
class ParseError extends Error {
  constructor(
    message: string,
    readonly range: SourceRange,
    readonly silent = false,
  ) {
    super(message);
  }
}

const CLOSER: Record<string, TokenKind> = { '(': ')', '[': ']' };

function describe(t: Token): string {
  switch (t.kind) {
    case 'newline':
      return 'the end of the line';
    case 'eof':
      return 'the end of the file';
    case 'number':
      return `the number ${t.text}`;
    case 'string':
      return `the string ${t.text}`;
    case 'ident':
      return `the name '${t.text}'`;
    default:
      return `'${t.text}'`;
  }
}

function isAssignToken(kind: TokenKind): boolean {
  return kind === '=' || AUGMENTED[kind] !== undefined;
}

export interface ParseResult {
  program: Program;
  diagnostics: Diagnostic[];
}

export function parse(tokens: readonly Token[]): ParseResult {
  return new Parser(tokens).parseProgram();
}

class Parser {
  private pos = 0;
  /** Open brackets/parentheses in the current statement: line breaks inside them are skipped. */
  private open: Token[] = [];
  private nesting = 0;
  private readonly diagnostics: Diagnostic[] = [];
  /** Height of every built sub-tree (leaves are 1), to cap the compiler's recursion. */
  private readonly heights = new WeakMap<Expr, number>();

  /** For each token index, the index of the first token at or after it that is not a line break. */
  private readonly nextSignificant: Int32Array;

  constructor(private readonly tokens: readonly Token[]) {
    // Precomputed so that looking past blank lines is O(1): otherwise thousands of blank lines
    // inside an open bracket would make parsing quadratic.
    this.nextSignificant = new Int32Array(tokens.length);
    let next = tokens.length - 1;
    for (let i = tokens.length - 1; i >= 0; i--) {
      if (tokens[i].kind !== 'newline') next = i;
      this.nextSignificant[i] = next;
    }
  }

  parseProgram(): ParseResult {
    const statements: Statement[] = [];
    for (;;) {
      while (this.tokens[this.pos].kind === 'newline') this.pos++;
      if (this.tokens[this.pos].kind === 'eof') break;
      statements.push(this.parseStatementRecovering());
    }
    return { program: { statements }, diagnostics: this.diagnostics };
  }

  private parseStatementRecovering(): Statement {
    const startIndex = this.pos;
    const first = this.tokens[startIndex];
    const named = first.kind === 'ident' && isAssignToken(this.tokens[startIndex + 1].kind) ? first : undefined;
    this.open = [];
    this.nesting = 0;
    try {
      const stmt = this.parseStatement();
      const end = this.peek();
      if (end.kind !== 'newline' && end.kind !== 'eof') {
        throw new ParseError(this.unexpectedAfterStatement(end), end.range, end.kind === 'invalid');
      }
      return stmt;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      if (!e.silent) this.diagnostics.push({ message: e.message, range: e.range, severity: 'error' });
      const errorIndex = this.pos;
      this.skipStatement(startIndex, errorIndex);
      const last = this.tokens[Math.max(startIndex, this.pos - 1)];
      const range = { start: first.range.start, end: last.kind === 'newline' || last.kind === 'eof' ? last.range.start : last.range.end };
      return named ? { kind: 'broken', name: named.text, nameRange: named.range, range } : { kind: 'broken', range };
    }
  }

  private unexpectedAfterStatement(t: Token): string {
    if (t.kind === ')' || t.kind === ']') return `'${t.text}' has no matching opening bracket`;
    if (t.kind === '=') return `unexpected '=': write one assignment per line (and == does not exist)`;
    if (isAssignToken(t.kind)) return `unexpected '${t.text}': write one assignment per line`;
    if (t.kind === '(' || t.kind === '[' || t.kind === 'number' || t.kind === 'string' || t.kind === 'ident') {
      return `found ${describe(t)} after a complete expression: is an operator missing? (write * to multiply, e.g. 2 * x)`;
    }
    return `unexpected ${describe(t)}: a statement ends here (write one statement per line)`;
  }

  /**
   * Skips to the end of a broken statement: the first line break outside brackets (counting from
   * the statement's start), or one that starts a new `name =` statement, at or after the error.
   */
  private skipStatement(startIndex: number, errorIndex: number): void {
    let depth = 0;
    let i = startIndex;
    for (; ; i++) {
      const t = this.tokens[i];
      if (t.kind === 'eof') break;
      if (t.kind === '(' || t.kind === '[') depth++;
      else if ((t.kind === ')' || t.kind === ']') && depth > 0) depth--;
      else if (t.kind === 'newline' && i >= errorIndex && (depth === 0 || this.startsStatement(i + 1))) break;
    }
    this.pos = i;
  }

  /** Whether tokens from index `i` look like the start of a new statement: `name =`. */
  private startsStatement(i: number): boolean {
    const j = this.nextSignificant[Math.min(i, this.tokens.length - 1)];
    return this.tokens[j].kind === 'ident' && isAssignToken(this.tokens[j + 1].kind);
  }

  /** The next significant token; line breaks inside brackets are skipped. */
  private peek(): Token {
    if (this.open.length > 0) {
      while (this.tokens[this.pos].kind === 'newline' && !this.startsStatement(this.pos + 1)) this.pos++;
    }
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.peek();
    // Line ends are not consumed: error recovery resumes at them.
    if (t.kind !== 'eof' && t.kind !== 'newline') this.pos++;
    return t;
  }

  private failAt(t: Token, message: string): never {
    // An invalid token was already reported by the lexer: don't add a second message.
    throw new ParseError(message, t.range, t.kind === 'invalid');
  }

  private enter(at: Token): void {
    this.nesting++;
    if (this.nesting > MAX_NESTING) {
      throw new ParseError(`this expression is nested too deeply (more than ${MAX_NESTING} levels of brackets, calls or unary minus)`, at.range);
    }
  }

  private leave(): void {
    this.nesting--;
  }

  private parseStatement(): Statement {
    const first = this.next();
    if (first.kind === 'ident' && first.text === 'seed' && this.peek().kind !== '=') {
      const n = this.next();
      if (n.kind !== 'number') this.failAt(n, `'seed' needs a whole number, e.g. seed 42, but found ${describe(n)}`);
      const value = n.value ?? NaN;
      if (!Number.isInteger(value) || value < 0 || value > 4_294_967_295) {
        this.failAt(n, `the seed must be a whole number from 0 to 4294967295, not ${n.text}`);
      }
      return { kind: 'seed', value, range: { start: first.range.start, end: n.range.end } };
    }
    if (first.kind !== 'ident') {
      if (first.kind === 'invalid') this.failAt(first, '');
      this.failAt(first, `a statement must start with a name, as in 'y = x * 2', but found ${describe(first)}`);
    }
    const eq = this.next();
    const augmented = AUGMENTED[eq.kind];
    if (augmented !== undefined) {
      const after = this.peek();
      if (after.kind === 'newline' || after.kind === 'eof') this.failAt(eq, `'${first.text} ${eq.text}' needs an expression after '${eq.text}'`);
      const rhs = this.parseExpr();
      const self: Expr = { kind: 'name', name: first.text, range: first.range };
      const range = { start: first.range.start, end: rhs.range.end };
      const expr = this.measured<Expr>({ kind: 'binary', op: augmented, left: self, right: rhs, range, opRange: eq.range }, [rhs], eq);
      return { kind: 'assign', name: first.text, nameRange: first.range, expr, range, augmented };
    }
    if (eq.kind !== '=') {
      if (eq.kind === 'newline' || eq.kind === 'eof') {
        this.failAt(first, `'${first.text}' on its own does nothing: write an assignment such as '${first.text} = …'`);
      }
      this.failAt(eq, `expected '=' after '${first.text}' (a statement is 'name = expression'), but found ${describe(eq)}`);
    }
    const after = this.peek();
    if (after.kind === 'newline' || after.kind === 'eof') {
      this.failAt(eq, `'${first.text} =' needs an expression after '='`);
    }
    const expr = this.parseExpr();
    return { kind: 'assign', name: first.text, nameRange: first.range, expr, range: { start: first.range.start, end: expr.range.end } };
  }

  private parseExpr(): Expr {
    let left = this.parseTerm();
    let chain = 0;
    for (;;) {
      const op = this.peek();
      if (op.kind !== '+' && op.kind !== '-') return left;
      this.next();
      const right = this.parseTerm();
      left = this.binary(op, left, right, ++chain);
    }
  }

  private parseTerm(): Expr {
    let left = this.parseUnary();
    let chain = 0;
    for (;;) {
      const op = this.peek();
      if (op.kind !== '*' && op.kind !== '/' && op.kind !== '@') return left;
      this.next();
      const right = this.parseUnary();
      left = this.binary(op, left, right, ++chain);
    }
  }

  private binary(op: Token, left: Expr, right: Expr, chain: number): Expr {
    if (chain > MAX_CHAIN) {
      throw new ParseError(`this expression chains more than ${MAX_CHAIN} operators; split it over several statements`, op.range);
    }
    return this.measured({ kind: 'binary', op: op.kind as BinaryOp, left, right, range: { start: left.range.start, end: right.range.end }, opRange: op.range }, [left, right], op);
  }

  /** Records a new node's height; an error when the tree gets too tall. */
  private measured<E extends Expr>(e: E, children: readonly Expr[], at: Token): E {
    let h = 0;
    for (const c of children) h = Math.max(h, this.heights.get(c) ?? 1);
    if (h + 1 > MAX_TREE_HEIGHT) {
      throw new ParseError(`this expression is too long and deeply nested (more than ${MAX_TREE_HEIGHT} levels of operations); split it over several statements`, at.range);
    }
    this.heights.set(e, h + 1);
    return e;
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === '-' || t.kind === '+') {
      this.next();
      this.enter(t);
      const operand = this.parseUnary();
      this.leave();
      if (t.kind === '+') return operand;
      return this.measured({ kind: 'unary', op: '-', operand, range: { start: t.range.start, end: operand.range.end } }, [operand], t);
    }
    return this.parsePower();
  }

  private parsePower(): Expr {
    const base = this.parsePrimary();
    const op = this.peek();
    if (op.kind !== '**') return base;
    this.next();
    this.enter(op);
    const exponent = this.parseUnary();
    this.leave();
    return this.measured({ kind: 'binary', op: '**', left: base, right: exponent, range: { start: base.range.start, end: exponent.range.end }, opRange: op.range }, [base, exponent], op);
  }

  private parsePrimary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: t.value ?? NaN, range: t.range };
      case 'string':
        return { kind: 'string', value: t.str ?? '', range: t.range };
      case 'ident': {
        if (this.peek().kind === '(') {
          const open = this.next();
          const args = this.parseList(open, ')');
          return this.measured({ kind: 'call', callee: t.text, calleeRange: t.range, args: args.items, range: { start: t.range.start, end: args.end.range.end } }, args.items, t);
        }
        return { kind: 'name', name: t.text, range: t.range };
      }
      case '(': {
        this.enter(t);
        this.open.push(t);
        const inner = this.parseExpr();
        this.expectClose(t, false);
        this.open.pop();
        this.leave();
        return inner;
      }
      case '[': {
        const list = this.parseList(t, ']');
        if (list.items.length === 0) {
          throw new ParseError('an empty vector [] has no values; write at least one number', { start: t.range.start, end: list.end.range.end });
        }
        return this.measured({ kind: 'array', elements: list.items, range: { start: t.range.start, end: list.end.range.end } }, list.items, t);
      }
      case 'invalid':
        return this.failAt(t, '');
      case ')':
      case ']':
        return this.failAt(t, `'${t.text}' has no matching opening bracket`);
      case 'newline':
      case 'eof': {
        const open = this.open[this.open.length - 1];
        if (open !== undefined) throw new ParseError(`'${open.text}' is never closed: add '${CLOSER[open.kind]}'`, open.range);
        return this.failAt(t, `the expression is incomplete: expected a value at ${describe(t)}`);
      }
      case '=':
        return this.failAt(t, `unexpected '=' inside an expression (there is no == in this language)`);
      default:
        return this.failAt(t, `expected a number, a name, '(' or '[', but found ${describe(t)}`);
    }
  }

  /** Comma-separated expressions up to the closer; allows a trailing comma. */
  private parseList(open: Token, closer: TokenKind): { items: Expr[]; end: Token } {
    this.enter(open);
    this.open.push(open);
    const items: Expr[] = [];
    if (this.peek().kind === closer) {
      const end = this.next();
      this.open.pop();
      this.leave();
      return { items, end };
    }
    for (;;) {
      items.push(this.parseExpr());
      const sep = this.peek();
      if (sep.kind === ',') {
        this.next();
        const after = this.peek();
        if (after.kind === closer) break;
        if (after.kind === 'newline' || after.kind === 'eof') {
          throw new ParseError(`'${open.text}' is never closed: add '${CLOSER[open.kind]}'`, open.range);
        }
        continue;
      }
      break;
    }
    const end = this.expectClose(open, true);
    this.open.pop();
    this.leave();
    return { items, end };
  }

  private expectClose(open: Token, list: boolean): Token {
    const closer = CLOSER[open.kind];
    const t = this.peek();
    if (t.kind === closer) return this.next();
    if (t.kind === 'newline' || t.kind === 'eof') {
      throw new ParseError(`'${open.text}' is never closed: add '${closer}'`, open.range);
    }
    if (t.kind === 'invalid') this.failAt(t, '');
    if (t.kind === ')' || t.kind === ']') {
      this.failAt(t, `'${open.text}' is closed with '${t.text}'; expected '${closer}'`);
    }
    if (t.kind === '(' || t.kind === '[' || t.kind === 'number' || t.kind === 'ident') {
      this.failAt(t, `expected ${list ? `',' or '${closer}'` : `'${closer}'`} before ${describe(t)}: is an operator or a comma missing?`);
    }
    const what = list ? `',' or '${closer}'` : `'${closer}'`;
    return this.failAt(t, `expected ${what}, but found ${describe(t)}`);
  }
}
