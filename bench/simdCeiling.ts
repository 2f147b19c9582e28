/**
 * The ceiling of 128-bit WebAssembly SIMD on this machine, for `npm run bench`: a loop of
 * `CHAINS` independent f64x2 multiply-add chains with no memory access at all (fused
 * `relaxed_madd` where the runtime has relaxed SIMD, else `f64x2.mul` + `f64x2.add`), the
 * fastest float64 arithmetic a wasm kernel can issue. The engine's products can only approach it:
 * they also load their operands. Best of a few runs, so it is the machine's rate, not its load.
 */
import wabtInit from 'wabt';
import { nowUs } from './stats';

/** Enough independent accumulators to cover the multiply-add latency on current x64 and arm64 cores. */
const CHAINS = 12;

export interface SimdCeiling {
  /** Float64 GFLOP/s (a multiply-add of an f64x2 counts 4). */
  gflops: number;
  fused: boolean;
  chains: number;
}

function moduleText(fused: boolean): string {
  const acc = Array.from({ length: CHAINS }, (_, i) => `$c${i}`);
  const step = acc.map((c) => fused
    ? `(local.set ${c} (f64x2.relaxed_madd (local.get $x) (local.get $y) (local.get ${c})))`
    : `(local.set ${c} (f64x2.add (local.get ${c}) (f64x2.mul (local.get $x) (local.get $y))))`).join('\n      ');
  // Every chain feeds the result, so none of them can be dropped as dead code.
  const sum = acc.slice(1).reduce((s, c) => `(f64x2.add ${s} (local.get ${c}))`, `(local.get ${acc[0]})`);
  return `(module
  (func (export "run") (param $n i32) (param $s f64) (result f64)
    (local $x v128) (local $y v128) ${acc.map((c) => `(local ${c} v128)`).join(' ')}
    (local.set $x (f64x2.splat (local.get $s)))
    (local.set $y (f64x2.splat (f64.const 0.999999)))
    (loop $steps
      ${step}
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $steps (local.get $n)))
    (f64x2.extract_lane 0 ${sum})))`;
}

/** Measures the ceiling: fused where this runtime validates relaxed SIMD, else separate multiply and add. */
export async function measureSimdCeiling(): Promise<SimdCeiling> {
  const wabt = await wabtInit();
  let bytes: Uint8Array<ArrayBuffer> | null = null;
  let fused = false;
  for (const f of [true, false]) {
    const mod = wabt.parseWat('ceiling.wat', moduleText(f), { simd: true, relaxed_simd: f });
    try {
      const b = new Uint8Array(mod.toBinary({}).buffer);
      if (WebAssembly.validate(b)) {
        bytes = b;
        fused = f;
        break;
      }
    } finally {
      mod.destroy();
    }
  }
  if (!bytes) throw new Error('WebAssembly SIMD is not available in this runtime');
  const run = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run as (n: number, s: number) => number;
  const n = 5_000_000;
  run(n, 1); // tier up
  let best = Infinity;
  for (let r = 0; r < 15; r++) {
    const t0 = nowUs();
    run(n, 1);
    best = Math.min(best, nowUs() - t0);
  }
  return { gflops: (n * CHAINS * 4) / best / 1e3, fused, chains: CHAINS };
}
