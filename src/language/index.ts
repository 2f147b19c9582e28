/**
 * The `.backprop` language: `compile(source)` turns program text into an engine `Graph`, plus
 * what the editor features need (diagnostics, statements, identifier ranges). Pure: no `vscode`,
 * no I/O, and it never throws.
 */
import type { Graph, GraphNode, SourcePosition, SourceRange } from '../engine/graph';
import { lowerProgram, type IdentifierInfo, type StatementInfo } from './compiler';
import { containsPosition, type Diagnostic } from './diagnostics';
import { lex } from './lexer';
import { MAX_SOURCE_LENGTH } from './limits';
import { parse } from './parser';

export type { Diagnostic, IdentifierInfo, SourcePosition, SourceRange, StatementInfo };
export { ALL_FUNCTIONS, CONSTANT_FUNCTIONS, FUNCTION_DOCS, LAYER_FUNCTIONS } from './builtins';
export * as limits from './limits';

export interface CompileOptions {
  /** Expand composite layers (`sigmoid`, `affine`) into primitive nodes. */
  expand?: boolean;
}

export interface CompileResult {
  /** The graph, when the program has no errors. */
  graph?: Graph;
  /** Errors (and warnings), in source order. */
  diagnostics: Diagnostic[];
  /** Every statement, in source order. */
  statements: StatementInfo[];
  /** Every identifier occurrence (definitions, uses, function names), for hover and go-to. */
  identifiers: IdentifierInfo[];
  /** The name of the output (the last assignment), when there is one. */
  outputName?: string;
}

const START: SourceRange = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

/** Compiles a program. Never throws: any internal failure becomes a diagnostic at 1:1. */
export function compile(source: string, options: CompileOptions = {}): CompileResult {
  try {
    if (typeof source !== 'string') {
      return { diagnostics: [{ message: 'the source is not text', range: START, severity: 'error' }], statements: [], identifiers: [] };
    }
    if (source.length > MAX_SOURCE_LENGTH) {
      return {
        diagnostics: [{ message: `the file is too long (${source.length.toLocaleString('en-US')} characters); the limit is ${MAX_SOURCE_LENGTH.toLocaleString('en-US')}`, range: START, severity: 'error' }],
        statements: [],
        identifiers: [],
      };
    }
    const lexed = lex(source);
    const parsed = parse(lexed.tokens);
    const lowered = lowerProgram(parsed.program, options, lexed.diagnostics.length + parsed.diagnostics.length > 0);
    const diagnostics = [...lexed.diagnostics, ...parsed.diagnostics, ...lowered.diagnostics].sort(byPosition);
    if (diagnostics.some((d) => d.severity === 'error')) {
      const { graph: _unused, ...rest } = lowered;
      return { ...rest, diagnostics };
    }
    return { ...lowered, diagnostics };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { diagnostics: [{ message: `internal error in the compiler: ${message}`, range: START, severity: 'error' }], statements: [], identifiers: [] };
  }
}

/** The node named `name` (a variable), if any. */
export function nodeForName(graph: Graph, name: string): GraphNode | undefined {
  return graph.nodes.find((n) => n.name === name);
}

/** The node with this label (a name or a generated label such as `mul1`). */
export function nodeForLabel(graph: Graph, label: string): GraphNode | undefined {
  return graph.nodes.find((n) => n.label === label);
}

/** The statement that covers a 1-based line, if any. */
export function statementAtLine(result: Pick<CompileResult, 'statements'>, line: number): StatementInfo | undefined {
  return result.statements.find((s) => s.range.start.line <= line && line <= s.range.end.line);
}

/** The node assigned by the statement on a 1-based line (needs a compiled graph). */
export function nodeForLine(result: Pick<CompileResult, 'statements' | 'graph'>, line: number): GraphNode | undefined {
  const s = statementAtLine(result, line);
  if (s?.kind !== 'assign' || s.name === undefined || result.graph === undefined) return undefined;
  return nodeForName(result.graph, s.name);
}

/** The identifier at a 1-based position (for hover): a definition, a use or a function name. */
export function identifierAt(result: Pick<CompileResult, 'identifiers'>, position: SourcePosition): IdentifierInfo | undefined {
  // The end is exclusive, but a cursor just after a name (column = end) still means that name.
  return (
    result.identifiers.find((id) => containsPosition(id.range, position)) ??
    result.identifiers.find((id) => id.range.end.line === position.line && id.range.end.column === position.column)
  );
}

/** Where a name is defined (its left-hand side), for go-to-definition. */
export function definitionOf(result: Pick<CompileResult, 'statements'>, name: string): StatementInfo | undefined {
  return result.statements.find((s) => s.kind === 'assign' && s.name === name);
}

/** The nodes whose source range contains a position, innermost first. */
export function nodesAt(graph: Graph, position: SourcePosition): GraphNode[] {
  const hits = graph.nodes.filter((n) => containsPosition(n.range, position));
  const size = (r: SourceRange): number => (r.end.line - r.start.line) * 1e6 + (r.end.column - r.start.column);
  return hits.sort((a, b) => size(a.range) - size(b.range));
}
