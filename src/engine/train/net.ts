/**
 * What the training loop needs from a two-layer net, and the one place that builds it: the
 * engine's fast `TwoLayerNet` (preallocated heap, WebAssembly kernels where available).
 */
import { TwoLayerNet, type NetTensors } from '../net/twoLayerNet';
import { fillBatch, type Dataset } from './dataset';
import type { Rng } from '../random';

/** The book's parameter dictionary: W1 (in×hidden), b1 (hidden), W2 (hidden×out), b2 (out), row-major. */
export type NetParams = NetTensors;

export interface TrainableNet {
  /** Forward + backward on the samples `indices` of `d`; keeps the gradients, returns the loss. */
  gradientOfSamples(d: Dataset, indices: Int32Array, labels: Uint8Array): number;
  /** params −= lr · grads. */
  sgdStep(lr: number): void;
  /** Rows (of `n` already-scaled rows in `x`) whose highest score is the label. */
  correctCount(x: Float64Array, labels: Uint8Array, n: number): number;
  /** Copies of the parameters. */
  params(): NetParams;
  /** Which kernels run: 'wasm-fma' (relaxed SIMD where the runtime has it), 'wasm-simd' or 'typescript'. */
  readonly backend: string;
}

export function createNet(
  inputSize: number,
  hidden: number,
  outputSize: number,
  batch: number,
  weightInitStd: number,
  rng: Rng,
): TrainableNet {
  const net = new TwoLayerNet(inputSize, hidden, outputSize, { weightInitStd, random: rng, maxBatch: batch });
  // The batch is written straight into the net's input buffer: one copy (with scaling) per step.
  const input = net.inputView();
  return {
    backend: net.backend,
    gradientOfSamples(d, indices, labels) {
      fillBatch(d, indices, input);
      for (let r = 0; r < indices.length; r++) labels[r] = d.labels[indices[r]];
      return net.gradient(input, labels, indices.length);
    },
    sgdStep: (lr) => net.sgdStep(lr),
    correctCount: (x, labels, n) => Math.round(net.accuracy(x, labels, n) * n),
    params: () => net.snapshot(),
  };
}
