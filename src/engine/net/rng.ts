/**
 * Seeded pseudo-random numbers for weight initialisation, so a net built with the same seed is
 * the same on every machine. SplitMix64-style mixing on two 32-bit halves (BigInt-free, fast),
 * uniform doubles with 53 random bits, and Box-Muller for standard normals.
 *
 * Kept local to the net so the fast path does not depend on the engine's shared RNG landing first;
 * `TwoLayerNet` takes any `NormalSource`, so it can switch to the shared one without an API change.
 */
export interface NormalSource {
  /** A standard normal sample (mean 0, variance 1). */
  normal(): number;
}

export class SeededRandom implements NormalSource {
  private s0: number;
  private s1: number;
  private spare: number | null = null;

  constructor(seed = 0) {
    // Spread the seed over 64 bits of state; never leave the state all-zero.
    const s = Math.trunc(seed) >>> 0;
    this.s0 = (Math.imul(s ^ 0x9e3779b9, 0x85ebca6b) ^ 0x6a09e667) >>> 0;
    this.s1 = (Math.imul(s + 0x7f4a7c15, 0xc2b2ae35) ^ 0xbb67ae85) >>> 0;
    if ((this.s0 | this.s1) === 0) this.s1 = 1;
    for (let i = 0; i < 8; i++) this.nextUint32();
  }

  /** xorshift64 on (s0, s1), output scrambled with a multiply (xorshift64*-like). */
  nextUint32(): number {
    let a = this.s0;
    let b = this.s1;
    // 64-bit x ^= x << 13; x ^= x >> 7; x ^= x << 17 on (hi = a, lo = b).
    a = (a ^ ((a << 13) | (b >>> 19))) >>> 0;
    b = (b ^ (b << 13)) >>> 0;
    b = (b ^ ((b >>> 7) | (a << 25))) >>> 0;
    a = (a ^ (a >>> 7)) >>> 0;
    a = (a ^ ((a << 17) | (b >>> 15))) >>> 0;
    b = (b ^ (b << 17)) >>> 0;
    this.s0 = a;
    this.s1 = b;
    let z = (a ^ Math.imul(b, 0x2545f491)) >>> 0;
    z = Math.imul(z ^ (z >>> 15), 0x2c1b3c6d) >>> 0;
    return (z ^ (z >>> 12)) >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    // u1 in (0, 1] keeps log finite.
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}
