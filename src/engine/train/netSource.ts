/**
 * Writes a trained two-layer net as a `.backprop` program for a small batch, so the learner can
 * step through the very net they just trained: Affine → Relu → Affine → SoftmaxWithLoss.
 *
 * The language caps a file at MAX_SOURCE_LENGTH characters. A 784-50-10 net's W1 alone is 39,200
 * numbers, so for image data two things keep the file within the cap, both stated in its header:
 * - only the pixels that are non-zero in at least one sample of the batch are kept (with their rows
 *   of W1). The dropped rows only ever meet zeros in this batch, so every value and every other
 *   gradient is exactly what the full net computes; and samples with few non-zero pixels are chosen;
 * - when that is still too long, weights are written with fewer significant digits.
 */
import { MAX_SOURCE_LENGTH } from '../../language/limits';
import type { NetParams } from './net';

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
}

export interface NetSource {
  text: string;
  /** Indices (into the candidates) of the samples in the batch. */
  chosen: number[];
  /** Input features kept (all of them unless pruned). */
  keptFeatures: number;
  /** Significant digits of the weights, or null for full precision. */
  digits: number | null;
}

const DIGIT_STEPS: readonly (number | null)[] = [null, 10, 8, 6, 5, 4, 3];

export function trainedNetSource(input: NetSourceInput, maxLength = MAX_SOURCE_LENGTH - 1000): NetSource {
  const { samples, inputSize } = input;
  const chosen = chooseSamples(samples.raw, samples.labels, input.batch, inputSize > 64);
  // Features that are non-zero in some chosen sample (all of them for small inputs).
  let kept: number[] = [];
  for (let j = 0; j < inputSize; j++) if (inputSize <= 64 || chosen.some((r) => samples.raw[r][j] !== 0)) kept.push(j);
  if (kept.length === 0) kept = [0];
  for (const digits of DIGIT_STEPS) {
    const text = render(input, chosen, kept, digits);
    if (text.length <= maxLength) return { text, chosen, keptFeatures: kept.length, digits };
  }
  throw new Error(`the trained net is too large to write as a .backprop file (over ${maxLength} characters)`);
}

/**
 * For images, the `n` candidates with the fewest non-zero pixels; otherwise one sample per class
 * (the last candidate of each: on the spiral, the far end of each arm), in class order.
 */
function chooseSamples(raw: number[][], labels: number[], n: number, sparse: boolean): number[] {
  const all = raw.map((_, i) => i);
  if (!sparse) {
    const lastOfClass = new Map<number, number>();
    all.forEach((i) => lastOfClass.set(labels[i], i));
    const picked = [...lastOfClass.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]).slice(0, n);
    for (let i = all.length - 1; picked.length < Math.min(n, all.length) && i >= 0; i--) if (!picked.includes(i)) picked.push(i);
    return picked;
  }
  const nonZero = raw.map((row) => row.reduce((c, v) => c + (v !== 0 ? 1 : 0), 0));
  return all.sort((a, b) => nonZero[a] - nonZero[b] || a - b).slice(0, n).sort((a, b) => a - b);
}

function num(v: number, digits: number | null): string {
  if (v === 0) return '0';
  if (digits === null) return String(v);
  return String(Number(v.toPrecision(digits)));
}

function vector(values: ArrayLike<number>, digits: number | null): string {
  return `[${Array.from(values, (v) => num(v, digits)).join(', ')}]`;
}

function matrix(rows: number[][], digits: number | null, indent: string): string {
  return `[\n${rows.map((r) => `${indent}${vector(r, digits)}`).join(',\n')}\n]`;
}

function render(input: NetSourceInput, chosen: number[], kept: number[], digits: number | null): string {
  const { params, hidden, outputSize, samples } = input;
  const pruned = kept.length < input.inputSize;
  const lines: string[] = [];
  for (const h of input.header) lines.push(`# ${h}`);
  lines.push(`# A batch of ${chosen.length} sample${chosen.length === 1 ? '' : 's'} through the trained net: Affine → Relu → Affine → SoftmaxWithLoss.`);
  if (pruned) {
    lines.push(`# Only the ${kept.length} of ${input.inputSize} inputs that are non-zero in this batch are kept, with their rows of W1:`);
    lines.push('# the other rows meet only zeros here, so every value and gradient below is what the full net computes.');
  }
  if (digits !== null) lines.push(`# Weights are rounded to ${digits} significant digits to fit the file size limit.`);
  lines.push('');
  const rawRows = chosen.map((r) => kept.map((j) => samples.raw[r][j]));
  if (samples.divisor !== 1) {
    lines.push(`x = ${matrix(rawRows, null, '  ')} / ${samples.divisor}`);
  } else {
    lines.push(`x = ${matrix(rawRows, null, '  ')}`);
  }
  const onehot = chosen.map((r) => Array.from({ length: outputSize }, (_, c) => (c === samples.labels[r] ? 1 : 0)));
  lines.push(`t = ${matrix(onehot, null, '  ')}`);
  const w1Rows = kept.map((j) => Array.from(params.W1.subarray(j * hidden, (j + 1) * hidden)));
  lines.push(`W1 = ${matrix(w1Rows, digits, '  ')}`);
  lines.push(`b1 = ${vector(params.b1, digits)}`);
  const w2Rows = Array.from({ length: hidden }, (_, i) => Array.from(params.W2.subarray(i * outputSize, (i + 1) * outputSize)));
  lines.push(`W2 = ${matrix(w2Rows, digits, '  ')}`);
  lines.push(`b2 = ${vector(params.b2, digits)}`);
  lines.push('');
  lines.push('a1 = affine(x, W1, b1)');
  lines.push('z1 = relu(a1)');
  lines.push('a2 = affine(z1, W2, b2)');
  lines.push('loss = softmax_with_loss(a2, t)');
  return `${lines.join('\n')}\n`;
}
