/** What a CLI command may touch, so tests can run commands in-process with captured output. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads a text file; throws a Node `fs` error (with `code`) when it cannot. */
  readFile(path: string): string;
}

/** A failure already reported as `FILE:LINE:COLUMN: error: …` lines (or one plain line). */
export class CliError extends Error {
  constructor(readonly lines: string[]) {
    super(lines[0] ?? 'error');
  }
}

/** Lines printed at most for one failure; the rest are counted. */
export const MAX_ERROR_LINES = 100;
