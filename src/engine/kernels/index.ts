/**
 * Hot-path kernels of the engine. `gemm` keeps its signature for every caller; behind it, large
 * products run on the WebAssembly SIMD kernels when the runtime has them, and on the plain
 * TypeScript reference (`gemmReference`) otherwise. Both give bit-identical results: same
 * operations, same order. `createHeapKernels` gives the heap-based kernels the fast nets use.
 */
import type { HeapKernels } from './heap';
import { TsHeapKernels } from './reference';
import { WasmHeapKernels, gemmCopying, gemmScratchDoubles, wasmKernelsAvailable } from './wasm/wasmKernels';

export type { HeapKernels };
export { TsHeapKernels, WasmHeapKernels, gemmScratchDoubles, wasmKernelsAvailable };

/** Below this many multiply-adds, copying operands into WebAssembly memory costs more than it saves. */
const WASM_GEMM_MIN_WORK = 32 * 32 * 32;

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
  if (m * n * k >= WASM_GEMM_MIN_WORK && wasmKernelsAvailable()) {
    gemmCopying(transA, transB, m, n, k, a, b, c, accumulate);
  } else {
    gemmReference(transA, transB, m, n, k, a, b, c, accumulate);
  }
}

/** The reference product: each C element sums its terms in ascending p, multiply then add. */
export function gemmReference(
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

/** Which kernels to run: the fastest available (`'auto'`), or one forced (tests, benchmarks). */
export type KernelBackendChoice = 'auto' | 'wasm' | 'typescript';

/**
 * Kernels over a fresh heap of `doubles` float64 values, with `scratchDoubles` of packing space
 * for the largest `gemm` the caller will run (see `gemmScratchDoubles`; the TypeScript kernels
 * need none). `'auto'` picks WebAssembly SIMD where the runtime supports it, else the TypeScript
 * reference; `'wasm'` throws if it cannot be had.
 */
export function createHeapKernels(doubles: number, choice: KernelBackendChoice = 'auto', scratchDoubles = 0): HeapKernels {
  if (choice === 'typescript') return new TsHeapKernels(doubles);
  if (wasmKernelsAvailable()) return new WasmHeapKernels(doubles, scratchDoubles);
  if (choice === 'wasm') throw new Error('WebAssembly SIMD kernels are not available in this runtime');
  return new TsHeapKernels(doubles);
}
