/**
 * Tensors from files: `load("x.npy")` and `load("weights.npz", "W1")`. The language stays pure:
 * the caller (the CLI with node:fs, the extension with workspace.fs) asks `fileReferences` which
 * files a program loads, reads them however it can, and hands their bytes to `compile`.
 */
import { NpyError, readNpy } from '../engine/io/npy';
import { readNpz } from '../engine/io/npz';
import type { SourceRange } from '../engine/graph';
import type { Tensor } from '../engine/tensor';
import type { Expr, Program } from './ast';
import { LOAD_FUNCTION } from './builtins';

/** What the caller read for a path: the bytes, or why it could not (shown at the load call). */
export type FileContent = { readonly bytes: Uint8Array } | { readonly error: string };

/** The files a program loads, keyed by the path exactly as written in `load("…")`. */
export type FileContents = ReadonlyMap<string, FileContent>;

/** One `load("path", …)` call: the path as written, and where. */
export interface FileReference {
  path: string;
  range: SourceRange;
}

/** Every path given to `load(…)` as a string literal, in source order (duplicates kept). */
export function fileReferences(program: Program): FileReference[] {
  const out: FileReference[] = [];
  // Iterative walk: expressions may be deep (bounded by the parser, but no need to recurse).
  const stack: Expr[] = [];
  for (const s of program.statements) if (s.kind === 'assign') stack.push(s.expr);
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    switch (e.kind) {
      case 'call':
        if (e.callee === LOAD_FUNCTION && e.args[0]?.kind === 'string') out.push({ path: e.args[0].value, range: e.args[0].range });
        stack.push(...e.args);
        break;
      case 'binary':
        stack.push(e.left, e.right);
        break;
      case 'unary':
        stack.push(e.operand);
        break;
      case 'array':
        stack.push(...e.elements);
        break;
      default:
        break;
    }
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
}

export type LoadResult = { tensor: Tensor; dtype: string } | { error: string };

/** Parsed arrays per file content (the editor recompiles on every keystroke; the bytes stay the same object). */
const cache = new WeakMap<Uint8Array, Map<string, LoadResult>>();

/** Reads one array of a file's bytes: `.npz` needs a key, `.npy` takes none. Never throws. */
export function loadArray(path: string, key: string | undefined, bytes: Uint8Array, maxElements: number): LoadResult {
  let perFile = cache.get(bytes);
  if (perFile === undefined) {
    perFile = new Map();
    cache.set(bytes, perFile);
  }
  const cacheKey = `${key ?? ''}\u0000${maxElements}`;
  const hit = perFile.get(cacheKey);
  if (hit !== undefined) return hit;
  let result: LoadResult;
  try {
    const npz = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b; // "PK": a zip archive
    if (npz && key === undefined) result = { error: `'${path}' is an .npz archive: say which array, e.g. load("${path}", "W1")` };
    else if (!npz && key !== undefined) result = { error: `'${path}' is a single array (.npy), not an .npz archive: write load("${path}") without a key` };
    else result = npz ? readNpz(bytes, key as string, maxElements) : readNpy(bytes, maxElements);
  } catch (e) {
    result = { error: e instanceof NpyError ? e.message : `cannot read '${path}': ${e instanceof Error ? e.message : String(e)}` };
  }
  perFile.set(cacheKey, result);
  return result;
}
