/**
 * The plain TypeScript kernels: the reference every faster backend must match, and the fallback
 * where WebAssembly SIMD is unavailable. Loops are written so each output element sees its terms
 * in ascending index order, exactly like the textbook triple loop.
 */
import type { HeapKernels } from './heap';

export class TsHeapKernels implements HeapKernels {
  readonly backend = 'typescript';
  readonly heap: Float64Array;

  constructor(doubles: number) {
    this.heap = new Float64Array(doubles);
  }

  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: boolean): void {
    const h = this.heap;
    if (!accumulate) h.fill(0, c, c + m * n);
    // i-p-j order: the inner loop runs over contiguous C (and B when not transposed).
    for (let i = 0; i < m; i++) {
      const ci = c + i * n;
      for (let p = 0; p < k; p++) {
        const aip = transA ? h[a + p * m + i] : h[a + i * k + p];
        if (transB) {
          for (let j = 0; j < n; j++) h[ci + j] += aip * h[b + j * k + p];
        } else {
          const bp = b + p * n;
          for (let j = 0; j < n; j++) h[ci + j] += aip * h[bp + j];
        }
      }
    }
  }

  addRowVector(m: number, n: number, c: number, bias: number): void {
    const h = this.heap;
    for (let i = 0; i < m; i++) {
      const ci = c + i * n;
      for (let j = 0; j < n; j++) h[ci + j] += h[bias + j];
    }
  }

  colSum(m: number, n: number, src: number, dst: number): void {
    const h = this.heap;
    h.fill(0, dst, dst + n);
    for (let i = 0; i < m; i++) {
      const si = src + i * n;
      for (let j = 0; j < n; j++) h[dst + j] += h[si + j];
    }
  }

  relu(len: number, x: number, out: number): void {
    const h = this.heap;
    for (let i = 0; i < len; i++) {
      const v = h[x + i];
      h[out + i] = v > 0 ? v : 0;
    }
  }

  reluBackward(len: number, x: number, dout: number, dx: number): void {
    const h = this.heap;
    for (let i = 0; i < len; i++) h[dx + i] = h[x + i] > 0 ? h[dout + i] : 0;
  }

  softmaxRows(m: number, n: number, x: number, y: number): void {
    const h = this.heap;
    for (let i = 0; i < m; i++) {
      const xi = x + i * n;
      const yi = y + i * n;
      let max = h[xi];
      for (let j = 1; j < n; j++) if (h[xi + j] > max) max = h[xi + j];
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const e = Math.exp(h[xi + j] - max);
        h[yi + j] = e;
        sum += e;
      }
      for (let j = 0; j < n; j++) h[yi + j] /= sum;
    }
  }

  crossEntropy(m: number, n: number, y: number, labels: number): number {
    const h = this.heap;
    let sum = 0;
    for (let i = 0; i < m; i++) sum += Math.log(h[y + i * n + h[labels + i]] + 1e-7);
    return -sum / m;
  }

  softmaxLossBackward(m: number, n: number, y: number, labels: number, dx: number): void {
    const h = this.heap;
    // dout / N with dout = 1, then a multiply: the same rounding as the engine's SoftmaxWithLoss layer.
    const k = 1 / m;
    for (let i = 0; i < m; i++) {
      const t = h[labels + i];
      for (let j = 0; j < n; j++) h[dx + i * n + j] = (h[y + i * n + j] - (j === t ? 1 : 0)) * k;
    }
  }

  countCorrect(m: number, n: number, scores: number, labels: number): number {
    const h = this.heap;
    let correct = 0;
    for (let i = 0; i < m; i++) {
      const si = scores + i * n;
      let best = 0;
      for (let j = 1; j < n; j++) if (h[si + j] > h[si + best]) best = j;
      if (best === h[labels + i]) correct++;
    }
    return correct;
  }

  sgd(len: number, p: number, g: number, lr: number): void {
    const h = this.heap;
    for (let i = 0; i < len; i++) h[p + i] = h[p + i] - lr * h[g + i];
  }
}
