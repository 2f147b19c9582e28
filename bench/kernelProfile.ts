/**
 * Per-kernel time of one two-layer-net step: the net runs on kernels wrapped so each call is timed
 * (hrtime around the call; the wrapper adds well under a microsecond per call, 13 calls a step).
 * Each call site of the step gets a label (kernel and shape, in call order); a row is its median
 * over the profiled steps.
 */
import type { HeapKernels } from '../src/engine/kernels/heap';
import { TwoLayerNet } from '../src/engine/net/twoLayerNet';
import type { KernelBackendChoice } from '../src/engine/kernels/index';
import { median, nowUs } from './stats';

export interface KernelProfileRow {
  /** e.g. "gemm x·W1 100×50×784" — what, and the m×n×k or length. */
  label: string;
  medianUs: number;
}

export interface KernelProfile {
  backend: string;
  steps: number;
  /** Median of the whole step on the instrumented net. */
  stepUs: number;
  rows: KernelProfileRow[];
}

const GEMM_NAMES = new Map([
  ['NN 100×50×784', 'x·W1'], ['NN 100×10×50', 'z1·W2'], ['TN 50×10×100', 'dW2 = z1ᵀ·dy'],
  ['NT 100×50×10', 'dz1 = dy·W2ᵀ'], ['TN 784×50×100', 'dW1 = xᵀ·dz1'],
]);

/** Kernels that time every call into `samples[callIndex]`, labelled on first use. */
function timed(inner: HeapKernels, labels: string[], samples: number[][], counter: { i: number }): HeapKernels {
  const record = (label: string, t0: number): void => {
    const i = counter.i++;
    if (labels[i] === undefined) {
      labels[i] = label;
      samples[i] = [];
    }
    samples[i].push(nowUs() - t0);
  };
  return {
    backend: inner.backend,
    heap: inner.heap,
    gemm(tA, tB, m, n, k, a, b, c, acc) {
      const t0 = nowUs();
      inner.gemm(tA, tB, m, n, k, a, b, c, acc);
      const shape = `${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} ${m}×${n}×${k}`;
      record(`gemm ${GEMM_NAMES.get(shape) ?? ''} ${shape}`.replace('  ', ' '), t0);
    },
    addRowVector(m, n, c, bias) { const t0 = nowUs(); inner.addRowVector(m, n, c, bias); record(`addRowVector ${m}×${n}`, t0); },
    colSum(m, n, src, dst) { const t0 = nowUs(); inner.colSum(m, n, src, dst); record(`colSum ${m}×${n}`, t0); },
    relu(len, x, out) { const t0 = nowUs(); inner.relu(len, x, out); record(`relu ${len}`, t0); },
    reluBackward(len, x, dout, dx) { const t0 = nowUs(); inner.reluBackward(len, x, dout, dx); record(`reluBackward ${len}`, t0); },
    softmaxRows(m, n, x, y) { const t0 = nowUs(); inner.softmaxRows(m, n, x, y); record(`softmaxRows ${m}×${n}`, t0); },
    crossEntropy(m, n, y, labels) { const t0 = nowUs(); const r = inner.crossEntropy(m, n, y, labels); record(`crossEntropy ${m}×${n}`, t0); return r; },
    softmaxLossBackward(m, n, y, labels, dx) { const t0 = nowUs(); inner.softmaxLossBackward(m, n, y, labels, dx); record(`softmaxLossBackward ${m}×${n}`, t0); },
    countCorrect(m, n, scores, labels) { const t0 = nowUs(); const r = inner.countCorrect(m, n, scores, labels); record(`countCorrect ${m}×${n}`, t0); return r; },
    sgd(len, p, g, lr) { const t0 = nowUs(); inner.sgd(len, p, g, lr); record(`sgd ${len}`, t0); },
  };
}

/** Profiles `steps` gradient steps (after a warm-up) of a 784-50-10 net, batch 100, on `backend`. */
export function profileTwoLayerNetStep(
  backend: KernelBackendChoice, x: Float64Array, labels: readonly number[], steps: number, sizes: [number, number, number] = [784, 50, 10],
): KernelProfile {
  const labelsAt: string[] = [];
  const samples: number[][] = [];
  const counter = { i: 0 };
  const N = labels.length;
  const net = new TwoLayerNet(sizes[0], sizes[1], sizes[2], {
    seed: 0, maxBatch: N, backend, instrument: (k) => timed(k, labelsAt, samples, counter),
  });
  net.inputView().set(x);
  const input = net.inputView();
  const stepUs: number[] = [];
  for (let s = 0; s < steps + 50; s++) {
    counter.i = 0;
    const t0 = nowUs();
    net.gradient(input, labels, N);
    if (s >= 50) stepUs.push(nowUs() - t0);
    else for (const xs of samples) xs.length = 0; // warm-up: JIT tiers
  }
  return {
    backend: net.backend, steps, stepUs: median(stepUs),
    rows: labelsAt.map((label, i) => ({ label, medianUs: median(samples[i]) })),
  };
}
