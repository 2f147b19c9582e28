/**
 * Deterministic random numbers, the one generator of the extension: mulberry32 (a small,
 * well-known 32-bit PRNG) for uniforms and the Box–Muller transform for standard normals. The same
 * seed gives the same numbers on every machine (no Math.random), so `randn` leaves, initial
 * weights, gradient-check samples, training data and batches are reproducible.
 *
 * Two streams, which differ only in how the seed starts the state and how Box–Muller draws its
 * first uniform u₁ (each is what its users have always drawn, so every seeded number stays the same):
 * - `'engine'` (`createRng(seed)`): `seed N` in a program, seeded nets, gradient-check samples.
 *   The seed is the state; u₁ = 1 − next().
 * - `'training'` (`createRng(seed, 'training')`): the trainer's data set, weights and batches.
 *   The seed is mixed first, so that seeds 0, 1, 2 … give unrelated streams; u₁ = next(), drawn
 *   again while it is 0.
 */
import { Tensor, shapeSize, type Shape } from './tensor';

export type RngStream = 'engine' | 'training';

export class Rng {
  private state: number;
  /** Second normal from the last Box–Muller pair, used by the next `randn()`. */
  private spare: number | undefined;

  constructor(
    seed: number,
    readonly stream: RngStream = 'engine',
  ) {
    // Any number is accepted; it is folded into 32 bits.
    const folded = Math.trunc(seed) >>> 0;
    this.state = stream === 'training' ? (Math.imul(folded ^ 0x9e3779b9, 0x85ebca6b) ^ 0x2545f491) >>> 0 : folded;
  }

  /** Uniform in [0, 1), 32-bit resolution (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal N(0, 1) by Box–Muller (`np.random.randn`). */
  randn(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    // u₁ lies in (0, 1], so the log is finite.
    const u1 = this.stream === 'training' ? this.nonZeroUniform() : 1 - this.next();
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** A tensor of standard normals, scaled by `std` (default 1). */
  randnTensor(shape: Shape, std = 1): Tensor {
    const data = new Float64Array(shapeSize(shape));
    for (let i = 0; i < data.length; i++) data[i] = this.randn() * std;
    return new Tensor(shape, data);
  }

  /** Uniform integer in [0, n): `np.random.choice(n)`. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** `out.length` indices drawn uniformly from [0, count) with replacement, like `np.random.choice(count, n)`. */
  choice(count: number, out: Int32Array): Int32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.int(count);
    return out;
  }

  private nonZeroUniform(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return u;
  }
}

/** A new generator for the seed (the engine's stream unless told otherwise). */
export function createRng(seed: number, stream: RngStream = 'engine'): Rng {
  return new Rng(seed, stream);
}
