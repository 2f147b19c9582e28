/**
 * Writes a trained two-layer net as a `.backprop` program and an `.npz` beside it, so the learner
 * can step through the very net they just trained: Affine → Relu → Affine → SoftmaxWithLoss, at
 * full size (784-50-10 for MNIST) and full precision, on a real batch of test samples.
 *
 * The program loads everything from the archive: x (the batch, scaled as the net saw it), t (the
 * class indices), W1, b1, W2, b2. The same archive opens in numpy: np.load("net.npz")["W1"].
 */
import { writeNpz } from '../engine/io/npz';
import { Tensor } from '../engine/tensor';
import type { NetParams } from '../engine/train/net';

export interface NetSourceInput {
  params: NetParams;
  inputSize: number;
  hidden: number;
  outputSize: number;
  /** Candidate samples (raw values; the net sees raw / divisor) and their labels. */
  samples: { raw: number[][]; labels: number[]; divisor: number };
  /** How many samples the batch should have (fewer if fewer are given). */
  batch: number;
  /** Header lines (without '#'), e.g. the data set and the accuracy. */
  header: string[];
  /** The archive's file name as the program loads it (beside the program), e.g. `trained-net.npz`. */
  npzName: string;
}

export interface NetSource {
  /** The `.backprop` program. */
  text: string;
  /** The `.npz` archive it loads (`npzName`). */
  npz: Uint8Array;
  /** The arrays in the archive, by key. */
  arrays: Record<'x' | 't' | 'W1' | 'b1' | 'W2' | 'b2', Tensor>;
  /** Indices (into the candidates) of the samples in the batch. */
  chosen: number[];
}

export function trainedNetSource(input: NetSourceInput): NetSource {
  const { samples, params, inputSize, hidden, outputSize } = input;
  const chosen = chooseSamples(samples.labels, input.batch, inputSize > 64);
  const x = new Float64Array(chosen.length * inputSize);
  chosen.forEach((r, i) => {
    for (let j = 0; j < inputSize; j++) x[i * inputSize + j] = samples.raw[r][j] / samples.divisor;
  });
  const arrays: NetSource['arrays'] = {
    x: new Tensor([chosen.length, inputSize], x),
    t: new Tensor([chosen.length], Float64Array.from(chosen, (r) => samples.labels[r])),
    W1: new Tensor([inputSize, hidden], Float64Array.from(params.W1)),
    b1: new Tensor([hidden], Float64Array.from(params.b1)),
    W2: new Tensor([hidden, outputSize], Float64Array.from(params.W2)),
    b2: new Tensor([outputSize], Float64Array.from(params.b2)),
  };
  return { text: render(input, chosen), npz: writeNpz(arrays), arrays, chosen };
}

/**
 * For images, the first `n` candidates (a real batch of test samples, in order); otherwise one
 * sample per class (the last candidate of each: on the spiral, the far end of each arm), in class order.
 */
function chooseSamples(labels: number[], n: number, images: boolean): number[] {
  const all = labels.map((_, i) => i);
  if (images) return all.slice(0, n);
  const lastOfClass = new Map<number, number>();
  all.forEach((i) => lastOfClass.set(labels[i], i));
  const picked = [...lastOfClass.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]).slice(0, n);
  for (let i = all.length - 1; picked.length < Math.min(n, all.length) && i >= 0; i--) if (!picked.includes(i)) picked.push(i);
  return picked;
}

function render(input: NetSourceInput, chosen: number[]): string {
  const { npzName, inputSize, hidden, outputSize, samples } = input;
  const n = chosen.length;
  const q = JSON.stringify(npzName);
  const lines: string[] = [];
  for (const h of input.header) lines.push(`# ${h}`);
  lines.push(`# A batch of ${n} test sample${n === 1 ? '' : 's'} through the trained net: Affine → Relu → Affine → SoftmaxWithLoss.`);
  lines.push(`# Everything is loaded from ${npzName} beside this file, at full precision:`);
  lines.push(`#   x (${n}×${inputSize}${samples.divisor !== 1 ? `, pixels / ${samples.divisor}` : ''}), t (the class indices ${chosen.map((r) => samples.labels[r]).join(', ')}),`);
  lines.push(`#   W1 (${inputSize}×${hidden}), b1, W2 (${hidden}×${outputSize}), b2. In Python: np.load(${q})["W1"].`);
  lines.push('');
  for (const key of ['x', 't', 'W1', 'b1', 'W2', 'b2']) lines.push(`${key} = load(${q}, "${key}")`);
  lines.push('');
  lines.push('a1 = affine(x, W1, b1)');
  lines.push('z1 = relu(a1)');
  lines.push('a2 = affine(z1, W2, b2)');
  lines.push('loss = softmax_with_loss(a2, t)');
  return `${lines.join('\n')}\n`;
}
