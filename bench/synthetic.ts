/** MNIST-shaped synthetic data for the benchmark: 10 random prototypes in [0, 1] plus noise. */
import { Rng } from '../src/engine/random';

export interface SyntheticSet {
  x: Float32Array;
  labels: Uint8Array;
  rows: number;
}

export function syntheticMnist(rows: number, seed: number, inputSize = 784, classes = 10): SyntheticSet {
  const rng = new Rng(seed);
  const protos = Float64Array.from({ length: classes * inputSize }, () => rng.next());
  const x = new Float32Array(rows * inputSize);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const t = Math.floor(rng.next() * classes);
    labels[r] = t;
    for (let i = 0; i < inputSize; i++) x[r * inputSize + i] = Math.min(1, 0.6 * protos[t * inputSize + i] + 0.4 * rng.next());
  }
  return { x, labels, rows };
}
