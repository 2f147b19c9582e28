/** Small statistics and timing helpers for the benchmark (never used by tests). */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round((p / 100) * (s.length - 1))))];
}

/** Microseconds since an arbitrary origin, sub-microsecond resolution. */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

/** One contender in an interleaved run: `run(reps)` performs `reps` steps and returns each step's µs. */
export interface Contender {
  name: string;
  run(reps: number): Promise<number[]> | number[];
  /**
   * CPU time per step (µs) of the last turn, when the contender measures it itself (a child
   * process); otherwise this process's user + system CPU time over the turn is used.
   */
  lastCpuUsPerStep?(): number | undefined;
}

export interface InterleavedSamples {
  /** Wall-clock µs of every step. */
  wall: Map<string, number[]>;
  /** CPU µs per step, one value per turn: unaffected by time the process spent descheduled. */
  cpu: Map<string, number[]>;
}

/** Times `reps` calls of a synchronous step, one sample per call. */
export function timeSteps(reps: number, step: () => void): number[] {
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const s = nowUs();
    step();
    out.push(nowUs() - s);
  }
  return out;
}

/**
 * Interleaved turns: every round gives each contender one turn of `reps` steps, in an order that
 * rotates from round to round, so slow drifts of the machine (other processes, frequency) hit
 * everyone alike. Returns every contender's samples.
 */
export async function interleave(contenders: readonly Contender[], rounds: number, reps: number): Promise<InterleavedSamples> {
  const wall = new Map(contenders.map((c) => [c.name, [] as number[]]));
  const cpu = new Map(contenders.map((c) => [c.name, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(round + i) % contenders.length];
      const before = process.cpuUsage();
      const got = await c.run(reps);
      const used = process.cpuUsage(before);
      wall.get(c.name)?.push(...got);
      cpu.get(c.name)?.push(c.lastCpuUsPerStep?.() ?? (used.user + used.system) / reps);
    }
  }
  return { wall, cpu };
}

export function fmt(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A plain-text table with right-aligned numeric columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  return [line(header), '| ' + widths.map((w, i) => (i === 0 ? '-'.repeat(w) : '-'.repeat(w - 1) + ':')).join(' | ') + ' |', ...rows.map(line)].join('\n');
}

/** `--name N` from the command line: a positive number (floored), else `fallback`. */
export function argNumber(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}
