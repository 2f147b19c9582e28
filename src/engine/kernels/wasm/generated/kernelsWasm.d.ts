/** The kernels' WebAssembly binary, base64; generated/kernelsWasm.js is written by scripts/build-wasm.mjs during the build. */
export declare const KERNELS_WASM_BASE64: string;
