/**
 * Hot-path kernels of the engine. `gemm` keeps its signature for every caller; behind it, large
 * products run on the fastest WebAssembly kernels the runtime has, and on the plain TypeScript
 * reference (`gemmReference`) otherwise:
 *
 * - fused multiply-add (relaxed SIMD) where the runtime has it (Node ≥ 22, VS Code's Electron):
 *   the same sums in the same order, one rounding per multiply-add — within 1e-12 of the reference
 *   relative to the size of the terms, no longer bit-identical;
 * - plain SIMD elsewhere (Node 20): bit-identical to the reference (same operations, same order).
 *
 * Only the matrix products differ between the two; every other kernel is bit-identical in both.
 * `createHeapKernels` gives the heap-based kernels the fast nets use.
 */
import type { HeapKernels } from './heap';
import { TsHeapKernels } from './reference';
import {
  WasmHeapKernels, bestWasmFlavor, gemmCopying, gemmScratchDoubles, gemmTileRows, wasmKernelsAvailable, type WasmFlavor,
} from './wasm/wasmKernels';

export type { HeapKernels, WasmFlavor };
export { TsHeapKernels, WasmHeapKernels, bestWasmFlavor, gemmScratchDoubles, gemmTileRows, wasmKernelsAvailable };

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

/**
 * Which kernels to run: the fastest available (`'auto'`), or one forced (tests, benchmarks):
 * `'wasm'` the best WebAssembly build, `'wasm-fma'` / `'wasm-simd'` that build, `'typescript'` the reference.
 */
export type KernelBackendChoice = 'auto' | 'wasm' | 'wasm-fma' | 'wasm-simd' | 'typescript';

/**
 * Kernels over a fresh heap of `doubles` float64 values, with `scratchDoubles` of packing space
 * for the largest `gemm` the caller will run (see `gemmScratchDoubles`; the TypeScript kernels
 * need none). `'auto'` picks the FMA build, else the SIMD build, else the TypeScript reference;
 * a forced WebAssembly choice throws if the runtime cannot run it.
 */
export function createHeapKernels(doubles: number, choice: KernelBackendChoice = 'auto', scratchDoubles = 0): HeapKernels {
  if (choice === 'typescript') return new TsHeapKernels(doubles);
  if (choice === 'wasm-fma' || choice === 'wasm-simd') {
    const flavor: WasmFlavor = choice === 'wasm-fma' ? 'fma' : 'simd';
    return new WasmHeapKernels(doubles, scratchDoubles, flavor); // throws if the runtime lacks it
  }
  const best = bestWasmFlavor();
  if (best) return new WasmHeapKernels(doubles, scratchDoubles, best);
  if (choice === 'wasm') throw new Error('WebAssembly SIMD kernels are not available in this runtime');
  return new TsHeapKernels(doubles);
}
