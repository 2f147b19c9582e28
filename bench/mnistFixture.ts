/**
 * The full MNIST net as "Train Two-Layer Net → Open Trained Net as Graph" writes it, with seeded
 * weights of a trained-net's scale and three MNIST-like images (about one pixel in five lit), for
 * the benchmarks (bench/mnistNet.ts, bench/vscode/run.ts).
 */
import { createRng } from '../src/engine/random';
import { trainedNetSource } from '../src/language/netSource';

export function mnistNetFiles(npzName = 'mnist-net.npz'): { text: string; npz: Uint8Array; npzName: string } {
  const rng = createRng(2016);
  const inputSize = 784;
  const hidden = 50;
  const out = 10;
  const randn = (n: number, scale: number): Float64Array => Float64Array.from(rng.randnTensor([n]).data, (v) => v * scale);
  const params = { W1: randn(inputSize * hidden, 0.05), b1: randn(hidden, 0.1), W2: randn(hidden * out, 0.3), b2: randn(out, 0.1) };
  const u = rng.randnTensor([3 * inputSize]).data;
  const raw = Array.from({ length: 3 }, (_, r) => Array.from({ length: inputSize }, (_, j) => (Math.abs(u[r * inputSize + j]) > 1.28 ? Math.round(Math.abs(u[r * inputSize + j]) * 90) % 256 : 0)));
  const src = trainedNetSource({
    params,
    inputSize,
    hidden,
    outputSize: out,
    samples: { raw, labels: [7, 2, 1], divisor: 255 },
    batch: 3,
    header: ['Benchmark: the full 784-50-10 net on 3 MNIST-like images (seeded).'],
    npzName,
  });
  return { text: src.text, npz: src.npz, npzName };
}
