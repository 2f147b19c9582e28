/**
 * Diagnostics as one line each, `FILE:LINE:COLUMN: error: MESSAGE`: the format compilers use and
 * editors link. Pure (no Node APIs), so the debug adapter's web build can use it too.
 */
import type { SourceRange } from '../engine/graph';

export function errorLine(file: string, range: SourceRange | undefined, message: string): string {
  const where = range ? `${file}:${range.start.line}:${range.start.column}` : file;
  return `${where}: error: ${message}`;
}

export function warningLine(file: string, range: SourceRange, message: string): string {
  return `${file}:${range.start.line}:${range.start.column}: warning: ${message}`;
}
