/** The bench's training run: synthetic MNIST-shaped data, 784-50-10, batch 100, lr 0.1, SGD. */
import { TwoLayerNet } from '../src/engine/net/twoLayerNet';
import { nowUs } from './stats';
import { syntheticMnist } from './synthetic';

export interface TrainResult {
  ms: number;
  cpuMs: number;
  lastLoss: number;
  trainAcc: number;
  backend: string;
}

/**
 * `iters` iterations: gather 100 random rows into the input buffer, forward + backward, SGD update;
 * accuracy on 2,000 training rows afterwards (not timed).
 */
export function trainSynthetic(iters: number): TrainResult {
  const I = 784, H = 50, O = 10, N = 100;
  const train = syntheticMnist(10000, 3);
  const tnet = new TwoLayerNet(I, H, O, { seed: 0, maxBatch: N });
  const batchIdx = new Int32Array(N);
  let s = 12345;
  const t0 = nowUs();
  const tCpu0 = process.cpuUsage();
  let lastLoss = 0;
  for (let it = 0; it < iters; it++) {
    for (let r = 0; r < N; r++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      batchIdx[r] = s % train.rows;
    }
    lastLoss = tnet.gradientOfRows(train.x, train.labels, batchIdx);
    tnet.sgdStep(0.1);
  }
  const ms = (nowUs() - t0) / 1000;
  const tCpu = process.cpuUsage(tCpu0);
  const trainAcc = tnet.accuracy(train.x.subarray(0, 2000 * I), train.labels, 2000);
  return { ms, cpuMs: (tCpu.user + tCpu.system) / 1000, lastLoss, trainAcc, backend: tnet.backend };
}
