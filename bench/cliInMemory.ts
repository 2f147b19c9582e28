/**
 * The CLI run in-process on in-memory files, shared by the red-team bench (bench/limits.ts) and
 * the red-team tests (test/unit/limits-*.test.ts) so both drive `main` the same way: `files` maps
 * a path to its text; any other path goes to `readOther`, else fails as a missing file. Binary
 * reads find nothing and binary writes go nowhere.
 */
import type { CliIo } from '../src/cli/io';
import { main } from '../src/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliInMemoryOptions {
  /** Reads a path that is not in `files` (default: a missing file, `ENOENT`). */
  readOther?: (path: string) => string;
  /** Stops collecting stdout once it holds this many characters (default: collects it all). */
  stdoutLimit?: number;
}

function noSuchFile(): Error {
  return Object.assign(new Error('no such file'), { code: 'ENOENT' });
}

export async function runCliInMemory(args: string[], files: Record<string, string> = {}, options: CliInMemoryOptions = {}): Promise<CliRun> {
  const { readOther, stdoutLimit } = options;
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    readBytes: () => {
      throw noSuchFile();
    },
    writeBytes: () => undefined,
    stdout: (t) => void (stdoutLimit === undefined || stdout.length < stdoutLimit ? (stdout += t) : undefined),
    stderr: (t) => void (stderr += t),
    readFile: (p) => {
      if (Object.hasOwn(files, p)) return files[p];
      if (readOther) return readOther(p);
      throw noSuchFile();
    },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
