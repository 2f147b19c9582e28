/** Reading a program file from disk (Node only): the CLI and the standalone debug adapter. */
import { MAX_SOURCE_LENGTH } from '../language/limits';
import { readBoundedTextFile } from './readFile';

/** Bytes read at most: a UTF-8 character is at most 4 bytes, so a longer file cannot compile. */
const MAX_FILE_BYTES = MAX_SOURCE_LENGTH * 4;

/**
 * The file's text, reading at most the cap + 1 bytes (so /dev/zero is "too large", not an endless
 * read); throws a Node `fs` error with `code` (EISDIR, ETOOBIG, EENCODING for UTF-16/32, …).
 */
export function readProgramFile(path: string): string {
  return readBoundedTextFile(path, MAX_FILE_BYTES);
}
