/**
 * Entry point of `dist/cli.js` (package.json `bin`). All logic is in `src/cli/`; this file only
 * connects it to the process: real files, stdout/stderr and the exit code.
 */
import { readFileSync, statSync } from 'node:fs';
import type { CliIo } from './cli/io';
import { main } from './cli/main';
import { MAX_SOURCE_LENGTH } from './language/limits';

/** Bytes read at most: a UTF-8 character is at most 4 bytes, so a longer file cannot compile. */
const MAX_FILE_BYTES = MAX_SOURCE_LENGTH * 4;

const io: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile(path) {
    const stat = statSync(path);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (stat.size > MAX_FILE_BYTES) throw Object.assign(new Error('file too large'), { code: 'ETOOBIG' });
    return readFileSync(path, 'utf8');
  },
};

// A closed pipe (e.g. `| head`) is not an error worth a stack trace.
process.stdout.on('error', () => undefined);

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`backprop: error: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
