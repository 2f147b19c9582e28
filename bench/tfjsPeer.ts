/**
 * TensorFlow.js peers: the same 784-50-10 step (`tf.variableGrads` of the softmax cross-entropy of
 * Affine → Relu → Affine), float32, on the cpu and the wasm backend. Each backend keeps its own
 * variables, created while it is the active backend, so no turn pays for moving data between them.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { timeSteps, type Contender } from './stats';

export interface TfjsInfo {
  version: string;
  wasmSimd: boolean;
  wasmThreads: boolean;
}

/** Loads the wasm backend's binaries from node_modules (no network). */
export async function initTfjs(): Promise<TfjsInfo> {
  const require = createRequire(__filename);
  const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
  setWasmPaths(dist);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
  const wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const wasmThreads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs cpu backend failed to initialise');
  return { version: tf.version_core, wasmSimd, wasmThreads };
}

/** A contender running one training step's forward + backward on `backend`. */
export async function tfjsContender(
  backend: 'cpu' | 'wasm', name: string, x: Float64Array, labels: readonly number[], sizes: [number, number, number],
): Promise<Contender> {
  const [I, H, O] = sizes;
  const N = labels.length;
  await tf.setBackend(backend);
  const xs = tf.tensor2d(Float32Array.from(x), [N, I]);
  const ts = tf.oneHot(tf.tensor1d([...labels], 'int32'), O);
  const W1 = tf.variable(tf.randomNormal([I, H], 0, 0.01, 'float32', 1));
  const b1 = tf.variable(tf.zeros([H]));
  const W2 = tf.variable(tf.randomNormal([H, O], 0, 0.01, 'float32', 2));
  const b2 = tf.variable(tf.zeros([O]));
  const lossFn = (): tf.Scalar => {
    const z1 = tf.relu(tf.add(tf.matMul(xs, W1), b1));
    const a2 = tf.add(tf.matMul(z1, W2), b2);
    return tf.losses.softmaxCrossEntropy(ts, a2) as tf.Scalar;
  };
  const step = (): void => {
    const { value, grads } = tf.variableGrads(lossFn, [W1, b1, W2, b2]);
    value.dataSync(); // the loss, read back like the engine returns it
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
  };
  return {
    name,
    async run(reps) {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
      return timeSteps(reps, step);
    },
  };
}
