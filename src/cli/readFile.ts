/**
 * Reading a source file for the CLI with a bound: at most `maxBytes + 1` bytes are read, whatever
 * the file claims to be (`/dev/zero`, a FIFO or a growing log never make the read endless), and a
 * UTF-16/32 file is named as such instead of being decoded into "unexpected character" errors.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { encodingError } from '../language/index';

/** A read failure with a Node-like `code` (ETOOBIG, EISDIR, EENCODING), as `CliIo.readFile` throws. */
function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The file's text (UTF-8), reading at most `maxBytes + 1` bytes. */
export function readBoundedTextFile(path: string, maxBytes: number): string {
  const fd = openSync(path, 'r');
  try {
    if (fstatSync(fd).isDirectory()) throw coded('is a directory', 'EISDIR');
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) throw coded('file too large', 'ETOOBIG');
    const bytes = buffer.subarray(0, length);
    const encoding = encodingError(bytes);
    if (encoding !== undefined) throw coded(encoding, 'EENCODING');
    return bytes.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
