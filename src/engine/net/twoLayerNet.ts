/**
 * The book's TwoLayerNet (chapter 5.7): Affine → Relu → Affine → SoftmaxWithLoss, as a fast path for
 * gradient checks and training. All buffers live in one preallocated heap (the WebAssembly memory
 * when SIMD kernels are available), laid out once at construction and reused by every call, so a
 * training step allocates nothing.
 */
import { createHeapKernels, gemmScratchDoubles, type KernelBackendChoice } from '../kernels/index';
import type { HeapKernels } from '../kernels/heap';
import { createRng } from '../random';

/** Where initial weights come from: anything with a standard-normal `randn()` (the trainer passes its own stream). */
export interface NormalSource {
  randn(): number;
}

export interface TwoLayerNetOptions {
  /** Standard deviation of the initial weights (the book's `weight_init_std`). Default 0.01. */
  weightInitStd?: number;
  /**
   * Seed of the weight initialisation (the engine's shared RNG, so W1 then W2 are exactly what a
   * `.backprop` program with `seed S`, `W1 = std * randn(I, H)`, `W2 = std * randn(H, O)` draws). Default 0.
   */
  seed?: number;
  /** Largest batch `gradient`/`loss` will be given at once (`loss`/`accuracy` chunk bigger inputs). Default 100. */
  maxBatch?: number;
  /** Kernel backend: `'auto'` (WebAssembly SIMD when available, else TypeScript), or force one. */
  backend?: KernelBackendChoice;
  /** A normal-sample source to draw the initial weights from instead of the built-in seeded one. */
  random?: NormalSource;
  /**
   * Wraps the kernels the net calls (same heap, same results), e.g. to time each call in the
   * benchmark's per-kernel profile. Must return kernels over `kernels.heap`.
   */
  instrument?: (kernels: HeapKernels) => HeapKernels;
}

export interface NetTensors {
  W1: Float64Array;
  b1: Float64Array;
  W2: Float64Array;
  b2: Float64Array;
}

export const NET_PARAM_KEYS = ['W1', 'b1', 'W2', 'b2'] as const;

/** Rows the net reads as input: a float array, or any array-like of numbers (e.g. bytes already scaled elsewhere). */
export type RowSource = Float64Array | Float32Array | ArrayLike<number>;

/**
 * Largest heap a net may ask for, in float64 values (512 MB): a bound checked before allocating,
 * so `--hidden 10000000` is a clear error and not a failed WebAssembly.Memory.
 */
export const MAX_NET_DOUBLES = 64 * 2 ** 20;

/** Float64 values the net's heap holds: parameters and gradients, plus one batch of activations. */
export function twoLayerNetDoubles(inputSize: number, hiddenSize: number, outputSize: number, maxBatch: number): number {
  const I = inputSize, H = hiddenSize, O = outputSize, B = maxBatch;
  return 2 * (I * H + H + H * O + O) + B * (I + 1 + 3 * H + 4 * O);
}

export class TwoLayerNet {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly maxBatch: number;
  /** Views into the kernel heap; row-major, W1 is inputSize×hiddenSize. Write into them, don't replace them. */
  readonly params: Readonly<NetTensors>;
  readonly grads: Readonly<NetTensors>;

  private readonly k: HeapKernels;
  private readonly off: {
    W1: number; b1: number; W2: number; b2: number;
    gW1: number; gb1: number; gW2: number; gb2: number;
    x: number; t: number; a1: number; z1: number; a2: number; y: number; da2: number; dz1: number;
  };

  constructor(inputSize: number, hiddenSize: number, outputSize: number, opts: TwoLayerNetOptions = {}) {
    for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['outputSize', outputSize]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`TwoLayerNet: ${name} must be a positive integer, got ${v}`);
    }
    const maxBatch = opts.maxBatch ?? 100;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`TwoLayerNet: maxBatch must be a positive integer, got ${maxBatch}`);
    const doubles = twoLayerNetDoubles(inputSize, hiddenSize, outputSize, maxBatch);
    if (doubles > MAX_NET_DOUBLES) {
      const mb = (n: number): string => Math.ceil((n * 8) / 2 ** 20).toLocaleString('en-US');
      throw new Error(
        `a ${inputSize}-${hiddenSize}-${outputSize} net with batch ${maxBatch} needs about ${mb(doubles)} MB, more than the limit of ${mb(MAX_NET_DOUBLES)} MB; use fewer hidden units or a smaller batch`,
      );
    }
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.outputSize = outputSize;
    this.maxBatch = maxBatch;

    // Lay out every buffer once; 8-double (64-byte) alignment keeps SIMD loads on cache lines.
    let top = 0;
    const place = (len: number): number => {
      const at = top;
      top += Math.ceil(len / 8) * 8;
      return at;
    };
    const I = inputSize, H = hiddenSize, O = outputSize, B = maxBatch;
    this.off = {
      W1: place(I * H), b1: place(H), W2: place(H * O), b2: place(O),
      gW1: place(I * H), gb1: place(H), gW2: place(H * O), gb2: place(O),
      x: place(B * I), t: place(B), a1: place(B * H), z1: place(B * H), a2: place(B * O), y: place(B * O),
      da2: place(B * O), dz1: place(B * H),
    };
    // Packing space for the largest of the five products below.
    const scratch = Math.max(
      gemmScratchDoubles(false, false, B, H, I), gemmScratchDoubles(false, false, B, O, H), gemmScratchDoubles(true, false, H, O, B),
      gemmScratchDoubles(false, true, B, H, O), gemmScratchDoubles(true, false, I, H, B),
    );
    const kernels = createHeapKernels(top, opts.backend ?? 'auto', scratch);
    this.k = opts.instrument ? opts.instrument(kernels) : kernels;
    if (this.k.heap !== kernels.heap) throw new Error('TwoLayerNet: instrumented kernels must keep the heap they wrap');
    const h = this.k.heap;
    const o = this.off;
    const view = (at: number, len: number): Float64Array => h.subarray(at, at + len);
    this.params = Object.freeze({ W1: view(o.W1, I * H), b1: view(o.b1, H), W2: view(o.W2, H * O), b2: view(o.b2, O) });
    this.grads = Object.freeze({ W1: view(o.gW1, I * H), b1: view(o.gb1, H), W2: view(o.gW2, H * O), b2: view(o.gb2, O) });

    // weight_init_std * np.random.randn(...); biases zero.
    const std = opts.weightInitStd ?? 0.01;
    const rng: NormalSource = opts.random ?? createRng(opts.seed ?? 0);
    for (const w of [this.params.W1, this.params.W2]) for (let i = 0; i < w.length; i++) w[i] = std * rng.randn();
  }

  /** `'wasm-fma'`, `'wasm-simd'` or `'typescript'`: which kernels this net runs on. */
  get backend(): string {
    return this.k.backend;
  }

  /** The heap region `gradient` reads its input rows from: write a batch here to skip one copy. */
  inputView(): Float64Array {
    return this.k.heap.subarray(this.off.x, this.off.x + this.maxBatch * this.inputSize);
  }

  /** Forward + backward on a batch (x row-major batch×inputSize; labels are class indices ≡ one-hot t); fills `grads`, returns the loss. */
  gradient(x: RowSource, labels: ArrayLike<number>, batch: number): number {
    this.checkBatch(x, labels, batch, true);
    this.loadRows(x, labels, 0, batch);
    return this.gradientLoaded(batch);
  }

  /**
   * Like `gradient`, but gathers the batch rows `indices` straight from a whole data set
   * (`data` is rows×inputSize, `labels` one class index per row): one copy instead of two.
   */
  gradientOfRows(data: RowSource, labels: ArrayLike<number>, indices: ArrayLike<number>): number {
    const batch = indices.length;
    this.checkBatchSize(batch, true);
    const rows = Math.floor(data.length / this.inputSize);
    const h = this.k.heap;
    const I = this.inputSize;
    for (let r = 0; r < batch; r++) {
      const src = indices[r];
      if (!Number.isInteger(src) || src < 0 || src >= rows || src >= labels.length) {
        throw new Error(`TwoLayerNet: row index ${src} at batch position ${r + 1} is outside the data set of ${Math.min(rows, labels.length)} rows`);
      }
      copyRow(data, src * I, h, this.off.x + r * I, I);
      h[this.off.t + r] = this.checkLabel(labels[src], src);
    }
    return this.gradientLoaded(batch);
  }

  /** The loss (mean cross-entropy) over `batch` rows; more rows than `maxBatch` are processed in chunks. */
  loss(x: RowSource, labels: ArrayLike<number>, batch: number): number {
    this.checkBatch(x, labels, batch, false);
    const o = this.off;
    if (batch <= this.maxBatch) {
      this.loadRows(x, labels, 0, batch);
      this.predictLoaded(batch);
      this.k.softmaxRows(batch, this.outputSize, o.a2, o.y);
      return this.k.crossEntropy(batch, this.outputSize, o.y, o.t);
    }
    let total = 0;
    for (let start = 0; start < batch; start += this.maxBatch) {
      const m = Math.min(this.maxBatch, batch - start);
      this.loadRows(x, labels, start, m);
      this.predictLoaded(m);
      this.k.softmaxRows(m, this.outputSize, o.a2, o.y);
      total += this.k.crossEntropy(m, this.outputSize, o.y, o.t) * m;
    }
    return total / batch;
  }

  /** Fraction of rows whose argmax equals the label; processes in chunks of `maxBatch`, allocation-free. */
  accuracy(x: RowSource, labels: ArrayLike<number>, n: number): number {
    return this.correctCount(x, labels, n) / n;
  }

  /** How many of the `n` rows have their (first) argmax equal to the label; chunked, allocation-free. */
  correctCount(x: RowSource, labels: ArrayLike<number>, n: number): number {
    this.checkBatch(x, labels, n, false);
    let correct = 0;
    for (let start = 0; start < n; start += this.maxBatch) {
      const m = Math.min(this.maxBatch, n - start);
      this.loadRows(x, labels, start, m);
      this.predictLoaded(m);
      correct += this.k.countCorrect(m, this.outputSize, this.off.a2, this.off.t);
    }
    return correct;
  }

  /**
   * The book's `numerical_gradient` (central difference, h = 1e-4 by default) of the loss on this
   * batch with respect to every parameter: two full loss evaluations per parameter, each parameter
   * restored exactly afterwards. Slow on purpose: it is what backprop is compared against.
   * `onProgress(done, total)` is called every `progressEvery` parameters.
   */
  numericalGradient(
    x: RowSource, labels: ArrayLike<number>, batch: number, h = 1e-4,
    onProgress?: (done: number, total: number) => void, progressEvery = 1000,
  ): NetTensors {
    this.checkBatch(x, labels, batch, true);
    const total = NET_PARAM_KEYS.reduce((s, key) => s + this.params[key].length, 0);
    const out = { W1: new Float64Array(0), b1: new Float64Array(0), W2: new Float64Array(0), b2: new Float64Array(0) };
    let done = 0;
    for (const key of NET_PARAM_KEYS) {
      const p = this.params[key];
      const g = new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) {
        const keep = p[i];
        p[i] = keep + h;
        const up = this.loss(x, labels, batch);
        p[i] = keep - h;
        const down = this.loss(x, labels, batch);
        p[i] = keep;
        g[i] = (up - down) / (2 * h);
        if (onProgress && ++done % progressEvery === 0) onProgress(done, total);
      }
      out[key] = g;
    }
    onProgress?.(total, total);
    return out;
  }

  /** Class scores (before softmax) of one row, e.g. to show a prediction. Allocates the small result. */
  predictRow(x: RowSource, row = 0): Float64Array {
    const h = this.k.heap;
    copyRow(x, row * this.inputSize, h, this.off.x, this.inputSize);
    this.predictLoaded(1);
    return h.slice(this.off.a2, this.off.a2 + this.outputSize);
  }

  /** Plain SGD: params[key] -= learningRate * grads[key]. */
  sgdStep(learningRate: number): void {
    const o = this.off, I = this.inputSize, H = this.hiddenSize, O = this.outputSize;
    this.k.sgd(I * H, o.W1, o.gW1, learningRate);
    this.k.sgd(H, o.b1, o.gb1, learningRate);
    this.k.sgd(H * O, o.W2, o.gW2, learningRate);
    this.k.sgd(O, o.b2, o.gb2, learningRate);
  }

  /** Copies of the parameters (e.g. to send to another thread or save). */
  snapshot(): NetTensors {
    const p = this.params;
    return { W1: p.W1.slice(), b1: p.b1.slice(), W2: p.W2.slice(), b2: p.b2.slice() };
  }

  /** Overwrites the parameters with same-sized arrays. */
  load(values: NetTensors): void {
    for (const key of NET_PARAM_KEYS) {
      if (values[key].length !== this.params[key].length) {
        throw new Error(`TwoLayerNet.load: ${key} has ${values[key].length} values, the net needs ${this.params[key].length}`);
      }
      this.params[key].set(values[key]);
    }
  }

  // --- internals -------------------------------------------------------------------------------

  /** Affine → Relu → Affine on the m rows already in the heap; scores end in `a2`. */
  private predictLoaded(m: number): void {
    const k = this.k, o = this.off, I = this.inputSize, H = this.hiddenSize, O = this.outputSize;
    k.gemm(false, false, m, H, I, o.x, o.W1, o.a1, false); // x·W1
    k.addRowVector(m, H, o.a1, o.b1); // + b1
    k.relu(m * H, o.a1, o.z1);
    k.gemm(false, false, m, O, H, o.z1, o.W2, o.a2, false); // z1·W2
    k.addRowVector(m, O, o.a2, o.b2); // + b2
  }

  private gradientLoaded(m: number): number {
    const k = this.k, o = this.off, I = this.inputSize, H = this.hiddenSize, O = this.outputSize;
    this.predictLoaded(m);
    k.softmaxRows(m, O, o.a2, o.y);
    const loss = k.crossEntropy(m, O, o.y, o.t);
    // SoftmaxWithLoss backward: (y − t) / N (as (y − t)·(1/N), exactly like the engine's layer).
    k.softmaxLossBackward(m, O, o.y, o.t, o.da2);
    // Affine2 backward: dW2 = z1ᵀ·dout, db2 = Σ_rows dout, dz1 = dout·W2ᵀ.
    k.gemm(true, false, H, O, m, o.z1, o.da2, o.gW2, false);
    k.colSum(m, O, o.da2, o.gb2);
    k.gemm(false, true, m, H, O, o.da2, o.W2, o.dz1, false);
    // Relu backward (mask x ≤ 0), in place.
    k.reluBackward(m * H, o.a1, o.dz1, o.dz1);
    // Affine1 backward: dW1 = xᵀ·dout, db1 = Σ_rows dout. dx is not needed for training.
    k.gemm(true, false, I, H, m, o.x, o.dz1, o.gW1, false);
    k.colSum(m, H, o.dz1, o.gb1);
    return loss;
  }

  private loadRows(x: RowSource, labels: ArrayLike<number>, start: number, m: number): void {
    const h = this.k.heap;
    const I = this.inputSize;
    const at = this.off.x;
    if (x instanceof Float64Array && x.buffer === h.buffer && x.byteOffset === h.byteOffset + at * 8 && start === 0) {
      // Already in place (the caller wrote into `inputView()`).
    } else if (x instanceof Float64Array || x instanceof Float32Array) {
      h.set(x.subarray(start * I, (start + m) * I), at);
    } else {
      for (let i = 0; i < m * I; i++) h[at + i] = x[start * I + i];
    }
    for (let r = 0; r < m; r++) h[this.off.t + r] = this.checkLabel(labels[start + r], start + r);
  }

  private checkLabel(t: number, row: number): number {
    if (!Number.isInteger(t) || t < 0 || t >= this.outputSize) {
      throw new Error(`TwoLayerNet: label ${t} of row ${row + 1} is not a class index in 0..${this.outputSize - 1}`);
    }
    return t;
  }

  private checkBatchSize(batch: number, single: boolean): void {
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`TwoLayerNet: batch must be a positive integer, got ${batch}`);
    if (single && batch > this.maxBatch) {
      throw new Error(`TwoLayerNet: batch ${batch} is larger than maxBatch ${this.maxBatch}; pass a larger maxBatch to the constructor`);
    }
  }

  private checkBatch(x: RowSource, labels: ArrayLike<number>, batch: number, single: boolean): void {
    this.checkBatchSize(batch, single);
    if (x.length < batch * this.inputSize) {
      throw new Error(`TwoLayerNet: x has ${x.length} values, ${batch} rows of ${this.inputSize} need ${batch * this.inputSize}`);
    }
    if (labels.length < batch) throw new Error(`TwoLayerNet: ${labels.length} labels for ${batch} rows`);
  }

}

function copyRow(src: RowSource, from: number, dst: Float64Array, to: number, len: number): void {
  if (src instanceof Float64Array || src instanceof Float32Array) {
    dst.set(src.subarray(from, from + len), to);
  } else {
    for (let i = 0; i < len; i++) dst[to + i] = src[from + i];
  }
}
