/**
 * What the training loop needs from a two-layer net, and the one place that builds it.
 */
import { gemm } from '../kernels';
import type { SeededRandom } from './random';

/** The book's parameter dictionary: W1 (in×hidden), b1 (hidden), W2 (hidden×out), b2 (out), row-major. */
export interface NetParams {
  W1: Float64Array;
  b1: Float64Array;
  W2: Float64Array;
  b2: Float64Array;
}

export interface TrainableNet {
  /** Forward + backward on a batch of `n` rows; keeps the gradients, returns the loss. */
  gradient(x: Float64Array, labels: Uint8Array, n: number): number;
  /** params −= lr · grads. */
  sgdStep(lr: number): void;
  /** Rows (of `n`) whose highest score is the label. */
  correctCount(x: Float64Array, labels: Uint8Array, n: number): number;
  /** Copies of the parameters. */
  params(): NetParams;
}

export function createNet(
  inputSize: number,
  hidden: number,
  outputSize: number,
  batch: number,
  weightInitStd: number,
  rng: SeededRandom,
): TrainableNet {
  return new PlainTwoLayerNet(inputSize, hidden, outputSize, batch, weightInitStd, rng);
}

/** Interim straightforward net on the reference kernels (until the fast net is wired in). */
class PlainTwoLayerNet implements TrainableNet {
  private readonly W1: Float64Array;
  private readonly b1: Float64Array;
  private readonly W2: Float64Array;
  private readonly b2: Float64Array;
  private readonly gW1: Float64Array;
  private readonly gb1: Float64Array;
  private readonly gW2: Float64Array;
  private readonly gb2: Float64Array;
  private h: Float64Array;
  private y: Float64Array;
  private dh: Float64Array;

  constructor(
    private readonly nIn: number,
    private readonly nHid: number,
    private readonly nOut: number,
    batch: number,
    std: number,
    rng: SeededRandom,
  ) {
    this.W1 = Float64Array.from({ length: nIn * nHid }, () => std * rng.normal());
    this.b1 = new Float64Array(nHid);
    this.W2 = Float64Array.from({ length: nHid * nOut }, () => std * rng.normal());
    this.b2 = new Float64Array(nOut);
    this.gW1 = new Float64Array(this.W1.length);
    this.gb1 = new Float64Array(nHid);
    this.gW2 = new Float64Array(this.W2.length);
    this.gb2 = new Float64Array(nOut);
    this.h = new Float64Array(batch * nHid);
    this.y = new Float64Array(batch * nOut);
    this.dh = new Float64Array(batch * nHid);
  }

  private forward(x: Float64Array, n: number): void {
    if (this.h.length < n * this.nHid) {
      this.h = new Float64Array(n * this.nHid);
      this.y = new Float64Array(n * this.nOut);
      this.dh = new Float64Array(n * this.nHid);
    }
    const { h, y } = this;
    gemm(false, false, n, this.nHid, this.nIn, x, this.W1, h);
    for (let i = 0; i < n; i++) for (let j = 0; j < this.nHid; j++) h[i * this.nHid + j] = Math.max(0, h[i * this.nHid + j] + this.b1[j]);
    gemm(false, false, n, this.nOut, this.nHid, h, this.W2, y);
    for (let i = 0; i < n; i++) for (let j = 0; j < this.nOut; j++) y[i * this.nOut + j] += this.b2[j];
  }

  gradient(x: Float64Array, labels: Uint8Array, n: number): number {
    this.forward(x, n);
    const { h, y, dh, nOut, nHid } = this;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = i * nOut;
      let m = -Infinity;
      for (let j = 0; j < nOut; j++) m = Math.max(m, y[row + j]);
      let s = 0;
      for (let j = 0; j < nOut; j++) s += y[row + j] = Math.exp(y[row + j] - m);
      for (let j = 0; j < nOut; j++) y[row + j] /= s;
      loss -= Math.log(y[row + labels[i]] + 1e-7);
      y[row + labels[i]] -= 1;
      for (let j = 0; j < nOut; j++) y[row + j] /= n;
    }
    gemm(true, false, nHid, nOut, n, h, y, this.gW2);
    colSum(y, n, nOut, this.gb2);
    gemm(false, true, n, nHid, nOut, y, this.W2, dh);
    for (let k = 0; k < n * nHid; k++) if (h[k] <= 0) dh[k] = 0;
    gemm(true, false, this.nIn, nHid, n, x, dh, this.gW1);
    colSum(dh, n, nHid, this.gb1);
    return loss / n;
  }

  sgdStep(lr: number): void {
    const pairs: [Float64Array, Float64Array][] = [[this.W1, this.gW1], [this.b1, this.gb1], [this.W2, this.gW2], [this.b2, this.gb2]];
    for (const [p, g] of pairs) for (let k = 0; k < p.length; k++) p[k] -= lr * g[k];
  }

  correctCount(x: Float64Array, labels: Uint8Array, n: number): number {
    this.forward(x, n);
    let correct = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < this.nOut; j++) if (this.y[i * this.nOut + j] > this.y[i * this.nOut + best]) best = j;
      if (best === labels[i]) correct++;
    }
    return correct;
  }

  params(): NetParams {
    return { W1: this.W1.slice(), b1: this.b1.slice(), W2: this.W2.slice(), b2: this.b2.slice() };
  }
}

function colSum(src: Float64Array, m: number, n: number, dst: Float64Array): void {
  dst.fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) dst[j] += src[i * n + j];
}
