/**
 * The `.backprop` language: `compile(source)` turns program text into an engine `Graph`, plus
 * what the editor features need (diagnostics, statements, identifier ranges). Pure: no `vscode`,
 * no I/O, and it never throws.
 */
import type { Graph, GraphNode, SourcePosition, SourceRange } from '../engine/graph';
import { lowerProgram, versionLabel, type IdentifierInfo, type StatementInfo } from './compiler';
import { fileReferences as referencesOf, type FileContent, type FileContents, type FileReference } from './files';
import { containsPosition, type Diagnostic } from './diagnostics';
import { lex } from './lexer';
import { MAX_SOURCE_LENGTH } from './limits';
import { parse } from './parser';

export type { Diagnostic, FileContent, FileContents, FileReference, IdentifierInfo, SourcePosition, SourceRange, StatementInfo };
export { versionLabel };
export { ALL_FUNCTIONS, CONSTANT_FUNCTIONS, LAYER_FUNCTIONS, LOAD_FUNCTION } from './builtins';
export { nameAt } from './lexer';
export * as limits from './limits';

export interface CompileOptions {
  /** Expand composite layers (`sigmoid`, `affine`) into primitive nodes. */
  expand?: boolean;
  /**
   * The files the program loads, by the path as written (`fileReferences(source)` lists them): the
   * caller reads them (relative to the program's file) and passes the bytes or why it could not.
   */
  files?: FileContents;
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

/**
 * Why bytes are not a UTF-8 source, when they start with the byte-order mark of another Unicode
 * encoding (UTF-32 first: its little-endian mark begins like UTF-16's). Undefined for UTF-8.
 */
export function encodingError(bytes: Uint8Array): string | undefined {
  const b = (i: number): number => bytes[i] ?? -1;
  const name =
    b(0) === 0xff && b(1) === 0xfe && b(2) === 0 && b(3) === 0
      ? 'UTF-32 (little-endian)'
      : b(0) === 0 && b(1) === 0 && b(2) === 0xfe && b(3) === 0xff
        ? 'UTF-32 (big-endian)'
        : b(0) === 0xff && b(1) === 0xfe
          ? 'UTF-16 (little-endian)'
          : b(0) === 0xfe && b(1) === 0xff
            ? 'UTF-16 (big-endian)'
            : undefined;
  return name === undefined ? undefined : `the file is ${name} encoded (it starts with that byte-order mark); save it as UTF-8`;
}

/**
 * Text that is a UTF-16/32 file read as UTF-8 (its mark became U+FFFD or U+FFFE, or every other
 * character is NUL): the error to give instead of "unexpected character".
 */
function textEncodingError(source: string): string | undefined {
  const first = source.slice(0, 2);
  if (first === '\ufffd\ufffd' || source[0] === '\ufffe') return 'the file looks UTF-16 or UTF-32 encoded (it starts with a byte-order mark read as UTF-8); save it as UTF-8';
  if (source.length >= 2 && (source[0] === '\0' || source[1] === '\0')) return 'the file looks UTF-16 or UTF-32 encoded (it has NUL characters between its letters); save it as UTF-8';
  return undefined;
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
    const encoding = textEncodingError(source);
    if (encoding !== undefined) return { diagnostics: [{ message: encoding, range: START, severity: 'error' }], statements: [], identifiers: [] };
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

/**
 * The files a program loads (`load("…")`), in source order, each path once (its first use). Cheap
 * (lexes and parses only); a file too long to compile loads nothing. Only names ending in .npy or
 * .npz count (the compiler reports any other, and a half-typed name is not worth reading).
 */
export function fileReferences(source: string): FileReference[] {
  if (typeof source !== 'string' || source.length > MAX_SOURCE_LENGTH) return [];
  try {
    const first = new Map<string, FileReference>();
    for (const r of referencesOf(parse(lex(source).tokens).program)) if (/\.np[yz]$/i.test(r.path) && !first.has(r.path)) first.set(r.path, r);
    return [...first.values()];
  } catch {
    return [];
  }
}

/** The node named `name` (a variable): its last version, if any. */
export function nodeForName(graph: Graph, name: string): GraphNode | undefined {
  for (let i = graph.nodes.length - 1; i >= 0; i--) if (graph.nodes[i].name === name) return graph.nodes[i];
  return undefined;
}

/**
 * Keys for the named nodes in outputs (JSON, saved files): the last version of a name is the plain
 * name, earlier versions get `@k` with their 1-based version number (`x@1`, `x@2`, then `x`).
 */
export function outputKeys(graph: Graph): Map<number, string> {
  const byName = new Map<string, number[]>();
  for (const n of graph.nodes) {
    if (n.name === undefined) continue;
    const list = byName.get(n.name);
    if (list) list.push(n.id);
    else byName.set(n.name, [n.id]);
  }
  const keys = new Map<number, string>();
  for (const [name, ids] of byName) ids.forEach((id, k) => keys.set(id, k === ids.length - 1 ? name : `${name}@${k + 1}`));
  return keys;
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
  if (s?.kind !== 'assign' || s.label === undefined || result.graph === undefined) return undefined;
  return nodeForLabel(result.graph, s.label);
}

/** The identifier at a 1-based position (for hover): a definition, a use or a function name. */
export function identifierAt(result: Pick<CompileResult, 'identifiers'>, position: SourcePosition): IdentifierInfo | undefined {
  // The end is exclusive, but a cursor just after a name (column = end) still means that name.
  return (
    result.identifiers.find((id) => containsPosition(id.range, position)) ??
    result.identifiers.find((id) => id.range.end.line === position.line && id.range.end.column === position.column)
  );
}

/**
 * Where a name is defined (its left-hand side), for go-to-definition: with `label`, the statement
 * that made that version; otherwise the first assignment of the name.
 */
export function definitionOf(result: Pick<CompileResult, 'statements'>, name: string, label?: string): StatementInfo | undefined {
  return result.statements.find((s) => s.kind === 'assign' && s.name === name && (label === undefined || s.label === label));
}

/** The version of a name meant at a position (a definition or a use), for hover and go-to. */
export function versionAt(result: Pick<CompileResult, 'identifiers'>, position: SourcePosition): string | undefined {
  const id = identifierAt(result, position);
  return id?.role === 'function' ? undefined : id?.label;
}

/** The nodes whose source range contains a position, innermost first. */
export function nodesAt(graph: Graph, position: SourcePosition): GraphNode[] {
  const hits = graph.nodes.filter((n) => containsPosition(n.range, position));
  const size = (r: SourceRange): number => (r.end.line - r.start.line) * 1e6 + (r.end.column - r.start.column);
  return hits.sort((a, b) => size(a.range) - size(b.range));
}
