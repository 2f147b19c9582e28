// Assembles src/engine/kernels/wasm/kernels.wat (WebAssembly text with SIMD) with the `wabt` npm
// package, twice: as written, and as its fused-multiply-add variant (relaxed SIMD, rewritten from
// the same text by scripts/wasm-fma.mjs), and writes src/engine/kernels/wasm/generated/kernelsWasm.js,
// which embeds both binaries as base64 so both the Node and the web extension hosts get them inside
// the bundle (no fs, no fetch). Run by scripts/build.mjs and importable on its own:
// `node scripts/build-wasm.mjs`.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { fmaVariant } from './wasm-fma.mjs';

/** The kernels' folder: kernels.wat is read from it, generated/ is written in it. */
const here = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'engine', 'kernels', 'wasm');

/** The multiply-adds the FMA variant must fuse: 8 + 4 in the 4-row kernels (4×4, 4×2), 12 + 6 in the 6-row ones (6×4, 6×2), 1 probe. */
const EXPECTED_FUSED = 31;

function assemble(wabt, name, source, features) {
  const mod = wabt.parseWat(name, source, features);
  try {
    mod.validate();
    return mod.toBinary({ log: false }).buffer;
  } finally {
    mod.destroy();
  }
}

export async function buildKernelsWasm() {
  const wabt = await wabtInit();
  const source = readFileSync(join(here, 'kernels.wat'), 'utf8');
  const fma = fmaVariant(source);
  if (fma.fused !== EXPECTED_FUSED) {
    throw new Error(`kernels.wat: the FMA rewrite fused ${fma.fused} multiply-adds, expected ${EXPECTED_FUSED} (update scripts/wasm-fma.mjs or EXPECTED_FUSED)`);
  }
  const simd = assemble(wabt, 'kernels.wat', source, { simd: true });
  const fused = assemble(wabt, 'kernels-fma.wat', fma.source, { simd: true, relaxed_simd: true });
  const b64 = (buffer) => JSON.stringify(Buffer.from(buffer).toString('base64'));
  mkdirSync(join(here, 'generated'), { recursive: true });
  writeFileSync(
    join(here, 'generated', 'kernelsWasm.js'),
    `// Generated from kernels.wat by scripts/build-wasm.mjs — do not edit.\n` +
      `export const KERNELS_WASM_BASE64 = ${b64(simd)};\n` +
      `export const KERNELS_FMA_WASM_BASE64 = ${b64(fused)};\n`,
  );
  return { simd: simd.length, fma: fused.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bytes = await buildKernelsWasm();
  console.log(`kernels.wasm: ${bytes.simd} bytes; FMA variant: ${bytes.fma} bytes`);
}
