/** MNIST-shaped synthetic data for the benchmark: 10 random prototypes in [0, 1] plus noise. */
import { SeededRandom } from '../src/engine/net/rng';

export interface SyntheticSet {
  x: Float32Array;
  labels: Uint8Array;
  rows: number;
}

export function syntheticMnist(rows: number, seed: number, inputSize = 784, classes = 10): SyntheticSet {
  const rng = new SeededRandom(seed);
  const protos = Float64Array.from({ length: classes * inputSize }, () => rng.uniform());
  const x = new Float32Array(rows * inputSize);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const t = Math.floor(rng.uniform() * classes);
    labels[r] = t;
    for (let i = 0; i < inputSize; i++) x[r * inputSize + i] = Math.min(1, 0.6 * protos[t * inputSize + i] + 0.4 * rng.uniform());
  }
  return { x, labels, rows };
}
