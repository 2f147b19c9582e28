/**
 * A small seeded random source for training: same seed ⇒ same data, same weights, same batches,
 * on every machine (no Math.random). mulberry32 for uniforms, Box–Muller for normals.
 */
export class SeededRandom {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    // Mix the seed so that 0, 1, 2 … give unrelated streams.
    this.state = (Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ 0x2545f491) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n): `np.random.choice(n)`. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (`np.random.randn`). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `n` indices drawn uniformly from [0, count) with replacement, like `np.random.choice(count, n)`. */
  choice(count: number, out: Int32Array): Int32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.int(count);
    return out;
  }
}
