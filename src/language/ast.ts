/** Syntax tree of a `.backprop` program, as the parser builds it. */
import type { SourceRange } from '../engine/graph';

export type BinaryOp = '+' | '-' | '*' | '/' | '@' | '**';

export type Expr =
  | { kind: 'number'; value: number; range: SourceRange }
  /** A string literal: only a file name given to `load(…)` means anything. */
  | { kind: 'string'; value: string; range: SourceRange }
  | { kind: 'name'; name: string; range: SourceRange }
  | { kind: 'unary'; op: '-'; operand: Expr; range: SourceRange }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; range: SourceRange; opRange: SourceRange }
  | { kind: 'call'; callee: string; calleeRange: SourceRange; args: Expr[]; range: SourceRange }
  | { kind: 'array'; elements: Expr[]; range: SourceRange };

export type Statement =
  /**
   * `name = expr`, or an augmented `name op= expr` (then `augmented` is the operator and `expr` is
   * already `name op (expr)`, so it compiles like Python's `x = x op (expr)`).
   */
  | { kind: 'assign'; name: string; nameRange: SourceRange; expr: Expr; range: SourceRange; augmented?: BinaryOp }
  | { kind: 'seed'; value: number; range: SourceRange }
  /**
   * A line that did not parse. `name` is set when the line started with `name =`, so later uses of
   * the name do not produce a second, misleading "not defined" error.
   */
  | { kind: 'broken'; name?: string; nameRange?: SourceRange; range: SourceRange };

export interface Program {
  statements: Statement[];
}
