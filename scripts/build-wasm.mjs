// Assembles src/engine/kernels/wasm/kernels.wat (WebAssembly text with SIMD) with the `wabt` npm package and writes
// src/engine/kernels/wasm/generated/kernelsWasm.js, which embeds the binary as base64 so both the Node and the web
// extension hosts get it inside the bundle (no fs, no fetch). Run by scripts/build.mjs and
// importable on its own: `node scripts/build-wasm.mjs`.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

/** The kernels' folder: kernels.wat is read from it, generated/ is written in it. */
const here = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'engine', 'kernels', 'wasm');

export async function buildKernelsWasm() {
  const wabt = await wabtInit();
  const source = readFileSync(join(here, 'kernels.wat'), 'utf8');
  const mod = wabt.parseWat('kernels.wat', source, { simd: true });
  try {
    mod.validate();
    const { buffer } = mod.toBinary({ log: false });
    const base64 = Buffer.from(buffer).toString('base64');
    mkdirSync(join(here, 'generated'), { recursive: true });
    writeFileSync(
      join(here, 'generated', 'kernelsWasm.js'),
      `// Generated from kernels.wat by scripts/build-wasm.mjs — do not edit.\nexport const KERNELS_WASM_BASE64 = ${JSON.stringify(base64)};\n`,
    );
    return buffer.length;
  } finally {
    mod.destroy();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bytes = await buildKernelsWasm();
  console.log(`kernels.wasm: ${bytes} bytes`);
}
