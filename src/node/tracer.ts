/**
 * Running the Python tracer (python/backprop_trace.py) on a student's script: finding a Python,
 * starting it in the script's folder, bounding its time and output, and reading the trace it
 * wrote. Node only (child_process, fs): used by the CLI and, loaded lazily, by the Node extension
 * host; never part of the web bundle.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseTrace, TRACE_LIMITS, type TraceDocument } from '../trace/document';

/** Why the tracer could not give a trace. */
export type TracerFailure = 'no-python' | 'numpy-missing' | 'timeout' | 'failed' | 'no-tracer' | 'bad-trace';

export class TracerError extends Error {
  constructor(
    readonly kind: TracerFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TracerError';
  }
}

export interface TracerOptions {
  /** The interpreter to use; otherwise python3, then python, on PATH. */
  python?: string;
  /** Seconds the script may run (the tracer stops recording then; we kill it a little later). */
  timeLimitSeconds?: number;
  /** Characters of the script's stdout/stderr kept (the rest is dropped and counted). */
  maxOutputChars?: number;
  /** The tracer file (default: python/backprop_trace.py next to the extension's dist folder). */
  tracerPath?: string;
  /** Extra environment for the Python process. */
  env?: NodeJS.ProcessEnv;
}

export interface TracerRun {
  doc: TraceDocument;
  python: string;
  /** The script's own output (stdout then stderr), bounded. */
  output: string;
  outputTruncated: boolean;
  /** Milliseconds from starting Python to the trace read. */
  ms: number;
}

export const DEFAULT_TIME_LIMIT_SECONDS = 60;
const DEFAULT_MAX_OUTPUT = 200_000;
/** After the tracer's own time limit, how long it gets to write its trace before it is killed. */
const GRACE_MS = 5_000;

/** python/backprop_trace.py, searched upward from this bundle's folder (dist/, or src/node under tsx). */
export function defaultTracerPath(from: string = __dirname): string | undefined {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'python', 'backprop_trace.py');
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  spawnError?: NodeJS.ErrnoException;
}

/** Runs a process with a time limit (killing its whole process group) and bounded output. */
function run(cmd: string, args: string[], cwd: string, timeoutMs: number, maxChars: number, env?: NodeJS.ProcessEnv): Promise<Exit> {
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stderr = '';
    let truncated = false;
    let timedOut = false;
    const child = spawn(cmd, args, { cwd, env: { ...process.env, PYTHONUNBUFFERED: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32', windowsHide: true });
    const keep = (which: 'out' | 'err') => (chunk: Buffer) => {
      const room = maxChars - stdout.length - stderr.length;
      const text = chunk.toString('utf8');
      if (text.length > room) truncated = true;
      const part = room > 0 ? text.slice(0, room) : '';
      if (which === 'out') stdout += part;
      else stderr += part;
    };
    child.stdout?.on('data', keep('out'));
    child.stderr?.on('data', keep('err'));
    const kill = (): void => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolvePromise({ code: null, signal: null, stdout, stderr, truncated, timedOut, spawnError: e });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, truncated, timedOut });
    });
  });
}

/** The first interpreter that starts: the given one, else python3, else python. */
export async function findPython(explicit?: string): Promise<string> {
  const candidates = explicit ? [explicit] : ['python3', 'python'];
  for (const c of candidates) {
    const r = await run(c, ['-c', 'import sys; print(sys.version_info[0])'], process.cwd(), 15_000, 1_000);
    if (!r.spawnError && r.code === 0 && r.stdout.trim() === '3') return c;
  }
  throw new TracerError(
    'no-python',
    explicit
      ? `cannot run Python 3 as '${explicit}': check the path (it must be a Python 3 interpreter)`
      : 'no Python found: install Python 3 so that python3 (or python) is on PATH, or give the interpreter with --python PATH',
  );
}

/** Traces `script` (a .py file): runs it under the tracer and returns the validated trace. */
export async function runTracer(script: string, options: TracerOptions = {}): Promise<TracerRun> {
  const tracer = options.tracerPath ?? defaultTracerPath();
  if (!tracer || !existsSync(tracer)) throw new TracerError('no-tracer', 'the tracer (python/backprop_trace.py) is missing from the extension folder');
  const python = await findPython(options.python);
  const absScript = resolve(script);
  const limit = options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS;
  const dir = mkdtempSync(join(tmpdir(), 'backprop-trace-'));
  const out = join(dir, 'trace.json');
  const started = performance.now();
  try {
    const r = await run(python, [tracer, '--out', out, '--time-limit', String(limit), absScript], dirname(absScript), limit * 1000 + GRACE_MS, options.maxOutputChars ?? DEFAULT_MAX_OUTPUT, options.env);
    const output = `${r.stdout}${r.stderr}`;
    if (r.spawnError) throw new TracerError('no-python', `cannot start ${python}: ${r.spawnError.message}`);
    if (r.timedOut) throw new TracerError('timeout', `the script ran longer than ${limit} s (the time limit) and was stopped`);
    if (r.code === 3) throw new TracerError('numpy-missing', `numpy is missing for ${python}: install it (pip install numpy, or apt-get install python3-numpy), or choose another interpreter`);
    if (r.code !== 0 || !existsSync(out)) {
      const last = r.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500);
      throw new TracerError('failed', `the tracer stopped with ${r.signal ? `signal ${r.signal}` : `exit code ${r.code}`}${last ? `: ${last}` : ''}`);
    }
    const size = statSync(out).size;
    if (size > TRACE_LIMITS.maxChars) throw new TracerError('bad-trace', `the trace is ${size} bytes, more than the limit`);
    let doc: TraceDocument;
    try {
      doc = parseTrace(readFileSync(out, 'utf8'));
    } catch (e) {
      throw new TracerError('bad-trace', e instanceof Error ? e.message : String(e));
    }
    return { doc, python, output, outputTruncated: r.truncated, ms: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
