// Run by fallback.test.ts in a `node --jitless` child, where WebAssembly does not exist.
import { createHeapKernels, gemm, gemmReference, wasmKernelsAvailable } from '../../../../src/engine/kernels/index';
import { TwoLayerNet } from '../../../../src/engine/net/twoLayerNet';

const net = new TwoLayerNet(6, 5, 3, { seed: 2, weightInitStd: 0.5, maxBatch: 4 });
const x = Float64Array.from({ length: 24 }, (_, i) => Math.sin(i));
const loss = net.gradient(x, [0, 2, 1, 2], 4);
const a = Float64Array.from({ length: 40 * 40 }, (_, i) => Math.cos(i));
const c1 = new Float64Array(1600), c2 = new Float64Array(1600);
gemm(false, true, 40, 40, 40, a, a, c1);
gemmReference(false, true, 40, 40, 40, a, a, c2);
let forced = 'no error';
try {
  createHeapKernels(8, 'wasm');
} catch (e) {
  forced = e instanceof Error ? e.message : String(e);
}
console.log(JSON.stringify({
  webAssembly: typeof WebAssembly, available: wasmKernelsAvailable(), auto: createHeapKernels(8).backend, net: net.backend,
  loss, gradW1: Array.from(net.grads.W1), gemmEqual: c1.every((v, i) => v === c2[i]), forced,
}));
