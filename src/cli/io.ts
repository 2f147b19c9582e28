/** What a CLI command may touch, so tests can run commands in-process with captured output. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads a text file; throws a Node `fs` error (with `code`) when it cannot. */
  readFile(path: string): string;
  /** Reads a binary file of at most `maxBytes` (else an error with code ETOOBIG); throws a Node `fs` error when it cannot. */
  readBytes(path: string, maxBytes: number): Uint8Array;
  /** Writes a binary file, creating its folder; throws a Node `fs` error when it cannot. */
  writeBytes(path: string, data: Uint8Array): void;
}

/** A failure already reported as `FILE:LINE:COLUMN: error: …` lines (or one plain line). */
export class CliError extends Error {
  constructor(readonly lines: string[]) {
    super(lines[0] ?? 'error');
  }
}

/** Lines printed at most for one failure; the rest are counted. */
export const MAX_ERROR_LINES = 100;
