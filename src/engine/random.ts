/**
 * Deterministic random numbers: mulberry32 (a small, well-known 32-bit PRNG) for uniforms and the
 * Box–Muller transform for standard normals. The same seed gives the same numbers on every
 * machine, so `randn` leaves and initial weights are reproducible.
 */
import { Tensor, shapeSize, type Shape } from './tensor';

export class Rng {
  private state: number;
  /** Second normal from the last Box–Muller pair, used by the next `randn()`. */
  private spare: number | undefined;

  constructor(seed: number) {
    // Any number is accepted; it is folded into 32 bits.
    this.state = Math.trunc(seed) >>> 0;
  }

  /** Uniform in [0, 1), 32-bit resolution (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal N(0, 1) by Box–Muller. */
  randn(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    // 1 − u lies in (0, 1], so the log is finite.
    const u1 = 1 - this.next();
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
}

/** A new generator for the seed. */
export function createRng(seed: number): Rng {
  return new Rng(seed);
}
