/**
 * Bounds for the red-team tests (not a test file itself): every input answers within a time and
 * below a memory ceiling stated in the test's name. The ceilings are generous (they catch a
 * quadratic blow-up or an unbounded allocation, not a slowdown); performance figures come from
 * bench/limits.ts, not from here.
 */
import assert from 'node:assert/strict';

export interface Measured<T> {
  value: T;
  ms: number;
  /** Growth of the JS heap plus external memory (typed arrays) across the call, in MB. */
  heapMB: number;
  /** The process's peak resident set so far, in MB. */
  peakRssMB: number;
}

/** Runs `fn` and measures it. */
export function measure<T>(fn: () => T): Measured<T> {
  const before = process.memoryUsage();
  const t0 = performance.now();
  const value = fn();
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  const heapMB = (after.heapUsed + after.external + after.arrayBuffers - before.heapUsed - before.external - before.arrayBuffers) / 2 ** 20;
  return { value, ms, heapMB, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

export async function measureAsync<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  const before = process.memoryUsage();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  const heapMB = (after.heapUsed + after.external + after.arrayBuffers - before.heapUsed - before.external - before.arrayBuffers) / 2 ** 20;
  return { value, ms, heapMB, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

/** Peak RSS no test process of this suite should pass (a blow-up goes to gigabytes). */
export const RSS_CEILING_MB = 1536;

/** Asserts the time bound, the heap growth bound and the process's RSS ceiling. */
export function assertBounded(m: Measured<unknown>, maxMs: number, maxHeapMB: number): void {
  assert.ok(m.ms <= maxMs, `took ${m.ms.toFixed(0)} ms, the bound is ${maxMs} ms`);
  assert.ok(m.heapMB <= maxHeapMB, `heap grew by ${m.heapMB.toFixed(1)} MB, the bound is ${maxHeapMB} MB`);
  assert.ok(m.peakRssMB <= RSS_CEILING_MB, `peak RSS ${m.peakRssMB.toFixed(0)} MB, the ceiling is ${RSS_CEILING_MB} MB`);
}
