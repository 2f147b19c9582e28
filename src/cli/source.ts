/** Reading and compiling the program a CLI command works on, with errors in compiler format. */
import { dirname, resolve } from 'node:path';
import type { Graph } from '../engine/graph';
import { compile, fileReferences, type CompileResult, type FileContent } from '../language/index';
import { MAX_LOAD_FILE_BYTES, MAX_LOAD_FILES, MAX_SOURCE_LENGTH } from '../language/limits';
import { CliError, type CliIo, MAX_ERROR_LINES } from './io';
import { errorLine, warningLine } from './lines';

export interface LoadedProgram {
  /** The file name exactly as given on the command line. */
  file: string;
  source: string;
  result: CompileResult;
  graph: Graph;
}


function readReason(e: unknown, tooBig: string): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const reason = new Map<string, string>(Object.entries({
    ENOENT: 'no such file',
    EISDIR: 'it is a directory, not a file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENAMETOOLONG: 'the file name is too long',
    ENOTDIR: 'a part of the path is not a directory',
    ETOOBIG: tooBig,
  }));
  return reason.get(code) ?? (e instanceof Error ? e.message : String(e));
}

/** The files `source` loads, read relative to the program's folder (a failure is reported at the load call by the compiler). */
function readLoadedFiles(io: CliIo, file: string, source: string): Map<string, FileContent> {
  const files = new Map<string, FileContent>();
  const refs = fileReferences(source);
  refs.forEach((ref, i) => {
    if (i >= MAX_LOAD_FILES) {
      files.set(ref.path, { error: `a program loads at most ${MAX_LOAD_FILES} files` });
      return;
    }
    try {
      files.set(ref.path, { bytes: io.readBytes(resolve(dirname(file), ref.path), MAX_LOAD_FILE_BYTES) });
    } catch (e) {
      files.set(ref.path, { error: readReason(e, `the file is too large (the limit is ${MAX_LOAD_FILE_BYTES.toLocaleString('en-US')} bytes)`) });
    }
  });
  return files;
}

/** A file that cannot be read, as one `FILE: error: cannot read the file: …` line. */
export function readError(file: string, e: unknown): CliError {
  // A UTF-16/32 file is readable, just not UTF-8: say so at 1:1, like any other source error.
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  if (code === 'EENCODING') return new CliError([errorLine(file, { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, e instanceof Error ? e.message : String(e))]);
  const reason = readReason(e, `the file is too large (the limit is ${MAX_SOURCE_LENGTH.toLocaleString('en-US')} characters)`);
  return new CliError([errorLine(file, undefined, `cannot read the file: ${reason}`)]);
}

/** Reads and compiles `file`; throws CliError with every diagnostic when it does not compile. */
export function loadProgram(io: CliIo, file: string, expand: boolean): LoadedProgram {
  let source: string;
  try {
    source = io.readFile(file);
  } catch (e) {
    throw readError(file, e);
  }
  const result = compile(source, { expand, files: readLoadedFiles(io, file, source) });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || result.graph === undefined) {
    const lines = errors.slice(0, MAX_ERROR_LINES).map((d) => errorLine(file, d.range, d.message));
    if (errors.length > MAX_ERROR_LINES) lines.push(`${file}: error: … and ${errors.length - MAX_ERROR_LINES} more errors`);
    if (lines.length === 0) lines.push(errorLine(file, { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, 'the program did not compile'));
    throw new CliError(lines);
  }
  // Warnings go to stderr, like a compiler's; stdout stays exactly the requested output.
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').slice(0, MAX_ERROR_LINES);
  if (warnings.length > 0) io.stderr(`${warnings.map((d) => warningLine(file, d.range, d.message)).join('\n')}\n`);
  return { file, source, result, graph: result.graph };
}
