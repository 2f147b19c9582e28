/**
 * Entry point of `dist/cli.js` (package.json `bin`). All logic is in `src/cli/`; this file only
 * connects it to the process: real files, stdout/stderr and the exit code.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CliIo } from './cli/io';
import { main } from './cli/main';
import { readProgramFile } from './cli/nodeFiles';

const io: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile: readProgramFile,
  readBytes(path, maxBytes) {
    const stat = statSync(path);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (stat.size > maxBytes) throw Object.assign(new Error('file too large'), { code: 'ETOOBIG' });
    return readFileSync(path);
  },
  writeBytes(path, data) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
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
