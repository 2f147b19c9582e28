/**
 * The WebAssembly backends: load the kernels assembled from kernels.wat (embedded in the bundle as
 * base64) synchronously, and wrap them in the `HeapKernels` interface. Two builds of the same text:
 *
 * - `'fma'`: the multiply-adds of gemm fused (relaxed SIMD `f64x2.relaxed_madd`), picked where the
 *   runtime validates relaxed SIMD and actually fuses (Node ≥ 22, Electron's V8 in VS Code);
 * - `'simd'`: plain SIMD, bit-identical to the TypeScript reference (Node 20, older browsers).
 *
 * Where WebAssembly or its SIMD proposal is missing, `wasmKernelsAvailable()` is false and callers
 * fall back to the TypeScript reference.
 */
import type { HeapKernels } from '../heap';
import { KERNELS_FMA_WASM_BASE64, KERNELS_WASM_BASE64 } from './generated/kernelsWasm';

/** Which build of the WebAssembly kernels: fused multiply-add (relaxed SIMD) or plain SIMD. */
export type WasmFlavor = 'fma' | 'simd';

interface KernelExports {
  gemm(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, acc: number, pack: number, tileRows: number): void;
  maddProbe(a: number, b: number, c: number): number;
  addRowVector(m: number, n: number, c: number, bias: number): void;
  colSum(m: number, n: number, src: number, dst: number): void;
  relu(len: number, x: number, out: number): void;
  reluBackward(len: number, x: number, dout: number, dx: number): void;
  softmaxRows(m: number, n: number, x: number, y: number): void;
  crossEntropy(m: number, n: number, y: number, labels: number): number;
  softmaxLossBackward(m: number, n: number, y: number, labels: number, dx: number): void;
  countCorrect(m: number, n: number, scores: number, labels: number): number;
  sgd(len: number, p: number, g: number, lr: number): void;
}

const PAGE_BYTES = 65536;

const compiled: Partial<Record<WasmFlavor, WebAssembly.Module | null>> = {};

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function compile(base64: string): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') return null;
    const bytes = decodeBase64(base64);
    // validate() is false when the runtime lacks SIMD (or relaxed SIMD for the FMA build).
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/** 1 + 2⁻³⁰ times 1 − 2⁻³⁰ minus 1 is −2⁻⁶⁰ exactly; rounded before the subtraction it is 0. */
function fusesMultiplyAdd(mod: WebAssembly.Module): boolean {
  try {
    const x = new WebAssembly.Instance(mod, { env: { memory: new WebAssembly.Memory({ initial: 1 }), exp: Math.exp, log: Math.log } })
      .exports as unknown as KernelExports;
    return x.maddProbe(1 + 2 ** -30, 1 - 2 ** -30, -1) === -(2 ** -60);
  } catch {
    return false;
  }
}

/**
 * The compiled kernels of one flavor, or null where the runtime cannot run it. The FMA build counts
 * as unavailable where relaxed_madd validates but is not fused (it would then equal the SIMD build,
 * which is bit-identical to the reference). Compiled once per flavor.
 */
export function kernelsModule(flavor: WasmFlavor): WebAssembly.Module | null {
  let mod = compiled[flavor];
  if (mod !== undefined) return mod;
  if (flavor === 'fma') {
    mod = compile(KERNELS_FMA_WASM_BASE64);
    if (mod && !fusesMultiplyAdd(mod)) mod = null;
  } else {
    mod = compile(KERNELS_WASM_BASE64);
  }
  compiled[flavor] = mod;
  return mod;
}

/** The best WebAssembly kernels this runtime has: `'fma'`, else `'simd'`, else null. */
export function bestWasmFlavor(): WasmFlavor | null {
  if (kernelsModule('fma')) return 'fma';
  if (kernelsModule('simd')) return 'simd';
  return null;
}

export function wasmKernelsAvailable(flavor?: WasmFlavor): boolean {
  return flavor ? kernelsModule(flavor) !== null : bestWasmFlavor() !== null;
}

/** Rows of a k-block in the gemm driver (kernels.wat's $KC). */
const GEMM_KC = 1024;

/**
 * Scratch doubles `gemm` needs for this shape: the packed B panels (all of a transposed B, else
 * the ragged last panel), then, for a plain A, its rows packed a register tile at a time (at most
 * m × min(k, KC) doubles, whatever the tile height).
 */
export function gemmScratchDoubles(transA: boolean, transB: boolean, m: number, n: number, k: number): number {
  return (transB ? Math.ceil(n / 4) * 4 * k : 4 * k) + (transA ? 0 : m * Math.min(k, GEMM_KC));
}

/**
 * Rows of gemm's register tile: 6 with fused multiply-adds (full blocks of 6 rows on the
 * one-pointer 6×4 kernels, 12 accumulators), 4 with separate multiply and add (every row on the
 * 4×4 kernels; a 6×4 tile would need a 16th register). See the performance notes in kernels.wat.
 */
export function gemmTileRows(flavor: WasmFlavor): 4 | 6 {
  return flavor === 'fma' ? 6 : 4;
}

function unavailable(flavor: WasmFlavor | null): Error {
  return new Error(flavor === 'fma'
    ? 'WebAssembly relaxed-SIMD (fused multiply-add) kernels are not available in this runtime'
    : 'WebAssembly SIMD kernels are not available in this runtime');
}

function instantiate(memory: WebAssembly.Memory, flavor: WasmFlavor): KernelExports {
  const mod = kernelsModule(flavor);
  if (!mod) throw unavailable(flavor);
  const instance = new WebAssembly.Instance(mod, { env: { memory, exp: Math.exp, log: Math.log } });
  return instance.exports as unknown as KernelExports;
}

/**
 * Kernels whose heap is a WebAssembly memory sized once: `doubles` for the caller's buffers plus
 * `scratchDoubles` for packing. The memory never grows, so `heap` and views into it stay valid.
 * `flavor` defaults to the best the runtime has; `backend` is `'wasm-fma'` or `'wasm-simd'`.
 */
export class WasmHeapKernels implements HeapKernels {
  readonly backend: 'wasm-fma' | 'wasm-simd';
  readonly flavor: WasmFlavor;
  readonly heap: Float64Array;
  private readonly x: KernelExports;
  private readonly scratchByte: number;
  private readonly scratchDoubles: number;

  /** Rows of gemm's register tile (`gemmTileRows(flavor)` unless a test forces the other one). */
  readonly tileRows: 4 | 6;

  constructor(doubles: number, scratchDoubles: number, flavor: WasmFlavor | null = bestWasmFlavor(), tileRows?: 4 | 6) {
    if (!flavor || !kernelsModule(flavor)) throw unavailable(flavor);
    this.flavor = flavor;
    this.tileRows = tileRows ?? gemmTileRows(flavor);
    this.backend = flavor === 'fma' ? 'wasm-fma' : 'wasm-simd';
    const heapDoubles = Math.ceil(doubles / 8) * 8;
    const bytes = (heapDoubles + scratchDoubles) * 8;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE_BYTES)) });
    this.x = instantiate(memory, flavor);
    this.heap = new Float64Array(memory.buffer, 0, doubles);
    this.scratchByte = heapDoubles * 8;
    this.scratchDoubles = scratchDoubles;
  }

  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: boolean): void {
    if (gemmScratchDoubles(transA, transB, m, n, k) > this.scratchDoubles) {
      throw new Error(`gemm ${m}×${n}×${k} needs more packing scratch than these kernels were given`);
    }
    this.x.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, a * 8, b * 8, c * 8, accumulate ? 1 : 0, this.scratchByte, this.tileRows);
  }

  addRowVector(m: number, n: number, c: number, bias: number): void {
    this.x.addRowVector(m, n, c * 8, bias * 8);
  }

  colSum(m: number, n: number, src: number, dst: number): void {
    this.x.colSum(m, n, src * 8, dst * 8);
  }

  relu(len: number, x: number, out: number): void {
    this.x.relu(len, x * 8, out * 8);
  }

  reluBackward(len: number, x: number, dout: number, dx: number): void {
    this.x.reluBackward(len, x * 8, dout * 8, dx * 8);
  }

  softmaxRows(m: number, n: number, x: number, y: number): void {
    this.x.softmaxRows(m, n, x * 8, y * 8);
  }

  crossEntropy(m: number, n: number, y: number, labels: number): number {
    return this.x.crossEntropy(m, n, y * 8, labels * 8);
  }

  softmaxLossBackward(m: number, n: number, y: number, labels: number, dx: number): void {
    this.x.softmaxLossBackward(m, n, y * 8, labels * 8, dx * 8);
  }

  countCorrect(m: number, n: number, scores: number, labels: number): number {
    return this.x.countCorrect(m, n, scores * 8, labels * 8);
  }

  sgd(len: number, p: number, g: number, lr: number): void {
    this.x.sgd(len, p * 8, g * 8, lr);
  }
}

/**
 * A growable instance (of the best flavor) for `gemm` on arrays that live outside any heap:
 * operands are copied in, the product copied out. Worth it once m·n·k dwarfs the copies.
 */
let loose: { memory: WebAssembly.Memory; x: KernelExports; tileRows: 4 | 6 } | undefined;

export function gemmCopying(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float64Array, b: Float64Array, c: Float64Array, accumulate: boolean,
): void {
  const aLen = m * k, bLen = k * n, cLen = m * n;
  const round = (v: number): number => Math.ceil(v / 8) * 8;
  const aAt = 0, bAt = round(aLen), cAt = bAt + round(bLen), packAt = cAt + round(cLen);
  const bytes = (packAt + gemmScratchDoubles(transA, transB, m, n, k)) * 8;
  if (!loose) {
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE_BYTES)) });
    const flavor = bestWasmFlavor();
    if (!flavor) throw unavailable(null);
    loose = { memory, x: instantiate(memory, flavor), tileRows: gemmTileRows(flavor) };
  } else if (loose.memory.buffer.byteLength < bytes) {
    loose.memory.grow(Math.ceil((bytes - loose.memory.buffer.byteLength) / PAGE_BYTES));
  }
  const heap = new Float64Array(loose.memory.buffer);
  heap.set(a.subarray(0, aLen), aAt);
  heap.set(b.subarray(0, bLen), bAt);
  if (accumulate) heap.set(c.subarray(0, cLen), cAt);
  loose.x.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, aAt * 8, bAt * 8, cAt * 8, accumulate ? 1 : 0, packAt * 8, loose.tileRows);
  c.set(heap.subarray(cAt, cAt + cLen));
}
