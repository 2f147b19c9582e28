/**
 * Kernels that work on one preallocated float64 "heap": every operand is an element offset into
 * `heap`. The WebAssembly backend's heap is its linear memory, so the same net code drives both the
 * TypeScript reference and the SIMD kernels without copying operands in and out per call.
 *
 * Every kernel sums in the same (ascending index) order as the reference. The plain SIMD backend
 * also performs the same floating-point operations (no fused multiply-add), so it agrees to the
 * last bit on finite inputs; the FMA backend rounds each multiply-add of `gemm` once instead of
 * twice, so its products agree to 1e-12 relative to the size of their terms, and every other
 * kernel to the last bit.
 */
export interface HeapKernels {
  /** `'wasm-fma'`, `'wasm-simd'` or `'typescript'`. */
  readonly backend: string;
  /** The heap: never reallocated for the kernels' lifetime, so views into it stay valid. */
  readonly heap: Float64Array;

  /**
   * C (m×n) = op(A)·op(B) (+ C when `accumulate`); op(A) is m×k, op(B) is k×n. `transA`: A is stored
   * k×m; `transB`: B is stored n×k. Offsets are element indices into `heap`; C must not overlap A or B.
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: boolean): void;
  /** c[i, j] += bias[j] for an m×n row-major c. */
  addRowVector(m: number, n: number, c: number, bias: number): void;
  /** dst[j] = Σ_i src[i, j] (i ascending) for an m×n row-major src. */
  colSum(m: number, n: number, src: number, dst: number): void;
  /** out = x where x > 0, else 0 (the book's mask `x <= 0`). `out` may equal `x`. */
  relu(len: number, x: number, out: number): void;
  /** dx = dout where x > 0, else 0. `dx` may equal `dout`. */
  reluBackward(len: number, x: number, dout: number, dx: number): void;
  /** Row-wise softmax of an m×n matrix, subtracting each row's max first. `y` may equal `x`. */
  softmaxRows(m: number, n: number, x: number, y: number): void;
  /** −Σ_i log(y[i, t_i] + 1e-7) / m, where labels[i] holds the class index t_i as a double. */
  crossEntropy(m: number, n: number, y: number, labels: number): number;
  /** dx = (y − onehot(t)) · (1/m) — Softmax-with-Loss backward with dout = 1 (as the engine's layer rounds it). */
  softmaxLossBackward(m: number, n: number, y: number, labels: number, dx: number): void;
  /** How many rows have their (first) argmax equal to the label. */
  countCorrect(m: number, n: number, scores: number, labels: number): number;
  /** p −= lr · g, elementwise (p = p − lr·g, as `params[key] -= lr * grads[key]`). */
  sgd(len: number, p: number, g: number, lr: number): void;
}
