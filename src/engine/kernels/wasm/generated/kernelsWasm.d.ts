/** The kernels' WebAssembly binaries, base64; generated/kernelsWasm.js is written by scripts/build-wasm.mjs during the build. */
export declare const KERNELS_WASM_BASE64: string;
/** The same kernels with their multiply-adds fused (relaxed SIMD `f64x2.relaxed_madd`). */
export declare const KERNELS_FMA_WASM_BASE64: string;
