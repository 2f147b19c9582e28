import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import wabtInit from 'wabt';
import {
  TsHeapKernels, WasmHeapKernels, bestWasmFlavor, gemm, gemmReference, gemmScratchDoubles, gemmTileRows, wasmKernelsAvailable, createHeapKernels,
  type WasmFlavor,
} from '../../../../src/engine/kernels/index';
import type { HeapKernels } from '../../../../src/engine/kernels/heap';

// Runs on every WebAssembly build this runtime has: plain SIMD everywhere, fused multiply-add
// (relaxed SIMD) where the runtime has it. On Node 20 that is SIMD only; fma.test.ts runs
// this file again on runtimes with relaxed SIMD and sets BACKPROP_KERNELS_EXPECT=fma, so the FMA
// build cannot go untested by being silently unavailable.

/** Every value within 1e-12 relative (the SIMD build is designed to agree bit for bit). */
function assertSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i], a = actual[i];
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: ${a} vs NaN`);
      continue;
    }
    assert.ok(Math.abs(a - e) <= 1e-12 * Math.abs(e) || a === e, `${what}[${i}]: ${a} vs ${e}`);
  }
}

/**
 * For the fused build: every value within 1e-12 of the reference relative to the magnitude of its
 * terms, `scale[i]` = |C₀| + Σₚ |aᵢₚ·bₚⱼ| (an element that cancels to near 0 cannot be held to its
 * own size: one rounding less per step moves it by up to ~k·2⁻⁵³ of its terms, not of itself).
 * Returns how many values differ at all.
 */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: ArrayLike<number>, what: string): number {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let differing = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i], a = actual[i];
    if (a === e) continue;
    differing++;
    assert.ok(Math.abs(a - e) <= 1e-12 * scale[i], `${what}[${i}]: ${a} vs ${e} (|diff| ${Math.abs(a - e)}, terms ${scale[i]})`);
  }
  return differing;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 * 2 - 1;
  };
}

/** Both backends over identical heaps filled with the same values. */
function pair(flavor: WasmFlavor, doubles: number, scratch: number, seed: number, tileRows?: 4 | 6): [WasmHeapKernels, TsHeapKernels] {
  const w = new WasmHeapKernels(doubles, scratch, flavor, tileRows);
  const t = new TsHeapKernels(doubles);
  const r = lcg(seed);
  for (let i = 0; i < doubles; i++) t.heap[i] = w.heap[i] = r();
  return [w, t];
}

/**
 * The same gemm on both, then the whole wasm heap checked: bit for bit (SIMD), or within the term
 * bound in C and bit for bit outside it (FMA; the scale is the reference gemm over |A|, |B|, |C₀|).
 * Returns how many values differ from the reference.
 */
function checkGemm(
  flavor: WasmFlavor, w: HeapKernels, t: HeapKernels,
  transA: boolean, transB: boolean, m: number, n: number, k: number, a: number, b: number, c: number, acc: boolean, what: string,
): number {
  const abs = new TsHeapKernels(t.heap.length);
  for (let i = 0; i < t.heap.length; i++) abs.heap[i] = Math.abs(t.heap[i]);
  w.gemm(transA, transB, m, n, k, a, b, c, acc);
  t.gemm(transA, transB, m, n, k, a, b, c, acc);
  if (flavor === 'simd') {
    assertSame(w.heap, t.heap, what);
    return 0;
  }
  abs.gemm(transA, transB, m, n, k, a, b, c, acc);
  const scale = new Float64Array(t.heap.length); // 0 outside C: there the heaps must be identical
  scale.set(abs.heap.subarray(c, c + m * n), c);
  return assertClose(w.heap, t.heap, scale, what);
}

/** An independent check with its own tiny module: does this runtime validate and fuse f64x2.relaxed_madd? */
async function runtimeFusesRelaxedMadd(): Promise<boolean> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('probe.wat', `(module (func (export "f") (param f64 f64 f64) (result f64)
    (f64x2.extract_lane 0 (f64x2.relaxed_madd (f64x2.splat (local.get 0)) (f64x2.splat (local.get 1)) (f64x2.splat (local.get 2))))))`,
  { simd: true, relaxed_simd: true });
  const bytes = new Uint8Array(mod.toBinary({}).buffer);
  mod.destroy();
  if (!WebAssembly.validate(bytes)) return false;
  const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f as (a: number, b: number, c: number) => number;
  return f(1 + 2 ** -30, 1 - 2 ** -30, -1) !== 0;
}

const flavors = (['simd', 'fma'] as const).filter((f) => wasmKernelsAvailable(f));
console.log(`# kernels-wasm on Node ${process.version}: WebAssembly builds tested: ${flavors.join(', ')}; 'auto' picks ${createHeapKernels(16).backend}`);

test('which WebAssembly builds this runtime runs, and which one is picked', async () => {
  assert.equal(wasmKernelsAvailable('simd'), true, 'WebAssembly SIMD is available (else every check below would only test the fallback)');
  const fma = await runtimeFusesRelaxedMadd();
  assert.equal(wasmKernelsAvailable('fma'), fma, `FMA kernels available exactly where the runtime fuses relaxed_madd (${fma})`);
  if (process.env.BACKPROP_KERNELS_EXPECT === 'fma') assert.equal(fma, true, 'this run was started to test the FMA build');
  assert.equal(bestWasmFlavor(), fma ? 'fma' : 'simd');
  assert.equal(createHeapKernels(16).backend, fma ? 'wasm-fma' : 'wasm-simd');
  assert.equal(createHeapKernels(16, 'wasm-simd').backend, 'wasm-simd');
  assert.equal(createHeapKernels(16, 'typescript').backend, 'typescript');
  if (fma) assert.equal(createHeapKernels(16, 'wasm-fma').backend, 'wasm-fma');
  else assert.throws(() => createHeapKernels(16, 'wasm-fma'), /relaxed-SIMD \(fused multiply-add\) kernels are not available/);
});

for (const flavor of flavors) {
  // Both tile heights on both builds: the 6-row kernels under the plain SIMD build are checked bit for bit.
  for (const tileRows of [4, 6] as const) {
    test(`gemm (${flavor}): matches the TypeScript reference for all layouts, random shapes, accumulate or not, on ${tileRows}-row register tiles${tileRows === gemmTileRows(flavor) ? ' (this build\'s own)' : ''}`, () => {
      let differing = 0;
      const dim = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 70 }));
      fc.assert(
        fc.property(
          dim, dim, fc.oneof(dim, fc.integer({ min: 250, max: 2300 })), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer(),
          (m, n, k, transA, transB, accumulate, seed) => {
            // Odd, unaligned offsets: operands need not start on a 16-byte boundary.
            const a = 3, b = a + m * k + 1, c = b + k * n + 5, end = c + m * n + 2;
            const [w, t] = pair(flavor, end, gemmScratchDoubles(transA, transB, m, n, k), seed, tileRows);
            differing += checkGemm(flavor, w, t, transA, transB, m, n, k, a, b, c, accumulate, `gemm ${m}×${n}×${k} tA=${transA} tB=${transB} acc=${accumulate}`);
          },
        ),
        { numRuns: 150, seed: 42 },
      );
      // The fused build really is a different computation (else this would test nothing new).
      if (flavor === 'fma') assert.ok(differing > 0, 'FMA results differ from the reference somewhere');
    });

    test(`gemm (${flavor}) edge shapes on ${tileRows}-row tiles: 1×1×1, empty k, the net's own shapes`, () => {
      for (const [m, n, k] of [[1, 1, 1], [4, 4, 4], [5, 3, 0], [100, 50, 784], [784, 50, 100], [50, 10, 100], [100, 50, 10], [3, 50, 784],
        [24, 5, 7], [49, 6, 1030], [101, 51, 97]]) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (const acc of [false, true]) {
              const end = m * k + k * n + m * n;
              const [w, t] = pair(flavor, end, gemmScratchDoubles(transA, transB, m, n, k), m * 131 + n * 7 + k, tileRows);
              checkGemm(flavor, w, t, transA, transB, m, n, k, 0, m * k, m * k + k * n, acc, `gemm ${m}×${n}×${k} tA=${transA} tB=${transB} acc=${acc}`);
            }
          }
        }
      }
    });
  }

  test(`elementwise kernels (${flavor}, bit for bit): bias add, column sums, relu, relu backward, sgd (odd lengths, in place)`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 23 }), fc.integer(), (m, n, seed) => {
        const len = m * n;
        const x = 1, y = x + len, z = y + len + 1, v = z + len;
        const run = (f: (k: HeapKernels) => void, what: string): void => {
          const [w, t] = pair(flavor, v + n + 3, 0, seed);
          // Special values: exact zeros of both signs, infinities, NaN.
          for (const k of [w, t]) {
            k.heap[x] = 0;
            if (len > 1) k.heap[x + 1] = -0;
            if (len > 2) k.heap[x + 2] = Number.NaN;
            if (len > 3) k.heap[x + 3] = Number.POSITIVE_INFINITY;
            if (len > 4) k.heap[x + 4] = Number.NEGATIVE_INFINITY;
          }
          f(w);
          f(t);
          assertSame(w.heap, t.heap, what);
          for (let i = 0; i < w.heap.length; i++) assert.equal(Object.is(w.heap[i], -0), Object.is(t.heap[i], -0), `${what}: sign of zero at ${i}`);
        };
        run((k) => k.addRowVector(m, n, x, v), 'addRowVector');
        run((k) => k.colSum(m, n, x, v), 'colSum');
        run((k) => k.relu(len, x, y), 'relu');
        run((k) => k.relu(len, x, x), 'relu in place');
        run((k) => k.reluBackward(len, x, y, z), 'reluBackward');
        run((k) => k.reluBackward(len, x, y, y), 'reluBackward in place');
        run((k) => k.sgd(len, y, x, 0.1), 'sgd');
      }),
      { numRuns: 80, seed: 3 },
    );
  });

  test(`softmax, cross-entropy, its backward and argmax counting (${flavor}) match the reference`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 12 }), fc.integer(), (m, n, seed) => {
        const len = m * n;
        const x = 0, y = len, lab = 2 * len, dx = lab + m;
        const [w, t] = pair(flavor, dx + len, 0, seed);
        for (const k of [w, t]) {
          const rr = lcg(seed ^ 0x5bd1e995);
          for (let i = 0; i < m; i++) k.heap[lab + i] = Math.floor(((rr() + 1) / 2) * n);
          for (let i = 0; i < len; i++) k.heap[x + i] *= 30; // large logits: the max subtraction matters
          if (len > 2) k.heap[x + 1] = k.heap[x]; // a tie for argmax
        }
        const ew = w.countCorrect(m, n, x, lab), et = t.countCorrect(m, n, x, lab);
        assert.equal(ew, et);
        w.softmaxRows(m, n, x, y);
        t.softmaxRows(m, n, x, y);
        assertSame(w.heap, t.heap, 'softmaxRows');
        for (let i = 0; i < m; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += w.heap[y + i * n + j];
          assert.ok(Math.abs(s - 1) < 1e-12, `row ${i} sums to ${s}`);
        }
        assertSame([w.crossEntropy(m, n, y, lab)], [t.crossEntropy(m, n, y, lab)], 'crossEntropy');
        w.softmaxLossBackward(m, n, y, lab, dx);
        t.softmaxLossBackward(m, n, y, lab, dx);
        assertSame(w.heap, t.heap, 'softmaxLossBackward');
        w.softmaxRows(m, n, x, x);
        t.softmaxRows(m, n, x, x);
        assertSame(w.heap, t.heap, 'softmaxRows in place');
      }),
      { numRuns: 80, seed: 11 },
    );
  });
}

test(`gemm() on loose arrays (copying into wasm memory, ${bestWasmFlavor()}) matches gemmReference, and leaves inputs alone`, () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 300 }),
      fc.boolean(), fc.boolean(), fc.boolean(), fc.integer(),
      (m, n, k, transA, transB, accumulate, seed) => {
        const r = lcg(seed);
        const a = Float64Array.from({ length: m * k }, r);
        const b = Float64Array.from({ length: k * n }, r);
        const c0 = Float64Array.from({ length: m * n }, r);
        const c1 = c0.slice();
        const aCopy = a.slice(), bCopy = b.slice();
        const scale = accumulate ? c0.map(Math.abs) : new Float64Array(m * n);
        gemmReference(transA, transB, m, n, k, a.map(Math.abs), b.map(Math.abs), scale, accumulate);
        gemm(transA, transB, m, n, k, a, b, c0, accumulate);
        gemmReference(transA, transB, m, n, k, a, b, c1, accumulate);
        if (bestWasmFlavor() === 'fma') assertClose(c0, c1, scale, `gemm ${m}×${n}×${k}`);
        else assertSame(c0, c1, `gemm ${m}×${n}×${k}`);
        assert.deepEqual(a, aCopy);
        assert.deepEqual(b, bCopy);
      },
    ),
    { numRuns: 60, seed: 7 },
  );
});

test('a heap made with too little packing scratch refuses a gemm instead of overwriting memory', () => {
  const w = new WasmHeapKernels(100, 4, 'simd');
  assert.throws(() => w.gemm(false, true, 2, 8, 3, 0, 10, 40, false), /packing scratch/);
});
