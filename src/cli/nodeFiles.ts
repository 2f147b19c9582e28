/** Reading a program file from disk (Node only): the CLI and the standalone debug adapter. */
import { readFileSync, statSync } from 'node:fs';
import { MAX_SOURCE_LENGTH } from '../language/limits';

/** Bytes read at most: a UTF-8 character is at most 4 bytes, so a longer file cannot compile. */
const MAX_FILE_BYTES = MAX_SOURCE_LENGTH * 4;

/** The file's text; throws a Node `fs` error with `code` (EISDIR, ETOOBIG for a file too large, …). */
export function readProgramFile(path: string): string {
  const stat = statSync(path);
  if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  if (stat.size > MAX_FILE_BYTES) throw Object.assign(new Error('file too large'), { code: 'ETOOBIG' });
  return readFileSync(path, 'utf8');
}
