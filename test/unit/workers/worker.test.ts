/**
 * The training worker's logic in-process (WorkerCore), and the bundled dist/worker.js in a real
 * worker_threads Worker when the build is there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import vm from 'node:vm';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Worker } from 'node:worker_threads';
import { WorkerCore } from '../../../src/workers/workerCore';
import type { HostToWorker, WorkerToHost } from '../../../src/workers/workerProtocol';
import { trainedNetSource } from '../../../src/language/netSource';
import { compile } from '../../../src/language';

function core(): { core: WorkerCore; messages: WorkerToHost[] } {
  const messages: WorkerToHost[] = [];
  const c = new WorkerCore({
    post: (m) => messages.push(m),
    gunzip: async (b) => new Uint8Array(gunzipSync(b)),
    yieldControl: () => new Promise((r) => setImmediate(r)),
  });
  return { core: c, messages };
}

test('train on the spiral: data, batched losses for every iteration, epochs, done with the net', async () => {
  const { core: c, messages } = core();
  await c.handle({ type: 'train', id: 7, options: { iterations: 300 }, data: { kind: 'spiral', seed: 0 } });
  assert.equal(messages[0].type, 'dataLoaded');
  const losses = messages.filter((m) => m.type === 'progress');
  let next = 1;
  for (const m of losses) {
    assert.equal(m.firstIteration, next);
    next += m.losses.length;
  }
  assert.equal(next - 1, 300);
  // Fewer messages than iterations: progress is batched.
  assert.ok(losses.length < 300);
  assert.equal(losses.reduce((n, m) => n + m.epochs.length, 0), 10);
  const done = messages[messages.length - 1];
  assert.equal(done.type, 'trainDone');
  if (done.type !== 'trainDone') return;
  assert.equal(done.id, 7);
  assert.equal(done.summary.iterations, 300);
  assert.equal(done.summary.cancelled, false);
  assert.equal(done.net.inputSize, 2);
  assert.equal(done.net.outputSize, 3);
  assert.ok(done.net.samples.raw.length > 3);
});

test('cancel arrives between iterations and stops the run early', async () => {
  const { core: c, messages } = core();
  const running = c.handle({ type: 'train', id: 1, options: { iterations: 1_000_000 }, data: { kind: 'spiral', seed: 0 } });
  await new Promise((r) => setTimeout(r, 200));
  await c.handle({ type: 'cancel', id: 1 });
  await running;
  const done = messages.find((m) => m.type === 'trainDone');
  assert.ok(done && done.type === 'trainDone');
  assert.equal(done.summary.cancelled, true);
  assert.ok(done.summary.iterations > 0 && done.summary.iterations < 1_000_000);
});

test('gradient check of a program: progress, then a report; errors carry line and column', async () => {
  const { core: c, messages } = core();
  const source = readFileSync('examples/two-layer-net.backprop', 'utf8');
  await c.handle({ type: 'gradcheck', id: 2, source, fileName: 'two-layer-net.backprop' });
  assert.ok(messages.some((m) => m.type === 'gradcheckProgress'));
  const done = messages.find((m) => m.type === 'gradcheckDone');
  assert.ok(done && done.type === 'gradcheckDone');
  assert.ok(done.report.maxAbsDiff < 1e-6);
  assert.ok(done.report.numericalMs >= 0 && done.report.backpropMs >= 0);
  messages.length = 0;
  await c.handle({ type: 'gradcheck', id: 3, source: 'x = [1, 2]\ny = x @@ 2\n', fileName: 'bad.backprop' });
  const err = messages.find((m) => m.type === 'error');
  assert.ok(err && err.type === 'error');
  assert.match(err.message, /^bad\.backprop:2:\d+: /);
});

test('malformed idx data from the host is an error message, not a crash', async () => {
  const { core: c, messages } = core();
  const bad = { bytes: gzipSync(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 5, 1])), name: 'train-labels-idx1-ubyte.gz' };
  const files = { trainImages: bad, trainLabels: bad, testImages: bad, testLabels: bad };
  await c.handle({ type: 'train', id: 4, options: {}, data: { kind: 'mnist', label: 'MNIST', files } });
  const err = messages.find((m) => m.type === 'error');
  assert.ok(err && err.type === 'error');
  assert.match(err.message, /wrong magic number 0x00000801, expected 0x00000803/);
});

test('the trained net opens as a .backprop program that compiles and whose gradients check out', async () => {
  const { core: c, messages } = core();
  await c.handle({ type: 'train', id: 5, options: { iterations: 200 }, data: { kind: 'spiral', seed: 0 } });
  const done = messages.find((m) => m.type === 'trainDone');
  assert.ok(done && done.type === 'trainDone');
  const { net } = done;
  const src = trainedNetSource({ ...net, batch: 3, header: ['test'], npzName: 'net.npz' });
  const compiled = compile(src.text, { files: new Map([['net.npz', { bytes: src.npz }]]) });
  assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.ok(compiled.graph);
  const labels = compiled.graph.nodes.map((n) => n.label);
  for (const l of ['x', 't', 'W1', 'b1', 'W2', 'b2', 'a1', 'z1', 'a2', 'loss']) assert.ok(labels.includes(l), l);
  const w1 = compiled.graph.nodes.find((n) => n.label === 'W1');
  assert.deepEqual(w1?.value?.data, net.params.W1, 'the exact trained weights');
  assert.deepEqual(w1?.origin, { file: 'net.npz', key: 'W1', dtype: 'float64' });
  // One sample of each class, as class indices.
  assert.deepEqual(src.chosen.map((i) => net.samples.labels[i]), [0, 1, 2]);
  assert.deepEqual(compiled.graph.nodes.find((n) => n.label === 't')?.value?.toNested(), [0, 1, 2]);
});

test('a 784-input net is the full net: every pixel and weight at full precision, the first test samples', () => {
  const inputSize = 784;
  const hidden = 50;
  const W1 = Float64Array.from({ length: inputSize * hidden }, (_, i) => Math.sin(i) * 0.05);
  const params = { W1, b1: new Float64Array(hidden).fill(0.01), W2: Float64Array.from({ length: hidden * 10 }, (_, i) => Math.cos(i) * 0.1), b2: new Float64Array(10) };
  const raw = Array.from({ length: 20 }, (_, r) => Array.from({ length: inputSize }, (_, j) => ((r < 3 ? j % 13 === 0 : j % 3 === 0) ? (j * 7 + r) % 255 : 0)));
  const src = trainedNetSource({ params, inputSize, hidden, outputSize: 10, samples: { raw, labels: raw.map((_, i) => i % 10), divisor: 255 }, batch: 3, header: ['test'], npzName: 'net.npz' });
  assert.deepEqual(src.chosen, [0, 1, 2], 'the first test samples');
  assert.ok(src.text.length < 2_000, 'the program is short: the numbers are in the archive');
  const compiled = compile(src.text, { files: new Map([['net.npz', { bytes: src.npz }]]) });
  assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error'), []);
  const node = (l: string) => compiled.graph?.nodes.find((n) => n.label === l);
  assert.deepEqual(node('x')?.shape, [3, 784]);
  assert.deepEqual(node('W1')?.shape, [784, 50]);
  assert.deepEqual(node('W1')?.value?.data, W1);
  assert.equal(node('x')?.value?.data[inputSize + 13 * 7], raw[1][13 * 7] / 255);
});

const WORKER = 'dist/worker.js';
test('the bundled dist/worker.js trains in a worker thread and stops when cancelled', { skip: existsSync(WORKER) ? false : 'run npm run build first' }, async () => {
  const worker = new Worker(resolve(WORKER));
  try {
    const messages: WorkerToHost[] = [];
    const finished = new Promise<WorkerToHost>((done) =>
      worker.on('message', (m: WorkerToHost) => {
        messages.push(m);
        if (m.type === 'progress' && m.firstIteration + m.losses.length > 50) worker.postMessage({ type: 'cancel', id: 9 } satisfies HostToWorker);
        if (m.type === 'trainDone' || m.type === 'error') done(m);
      }),
    );
    worker.postMessage({ type: 'train', id: 9, options: { iterations: 5_000_000 }, data: { kind: 'spiral', seed: 0 } } satisfies HostToWorker);
    const done = await finished;
    assert.equal(done.type, 'trainDone');
    if (done.type === 'trainDone') {
      assert.equal(done.summary.cancelled, true);
      assert.ok(done.summary.iterations >= 50 && done.summary.iterations < 5_000_000);
    }
  } finally {
    await worker.terminate();
  }
});

const WEB_WORKER = 'dist/web/worker.js';
test('the bundled dist/web/worker.js (Web Worker) trains and gunzips with DecompressionStream', { skip: existsSync(WEB_WORKER) ? false : 'run npm run build first' }, async () => {
  // A Web Worker's global scope, in a fresh V8 context: addEventListener + postMessage.
  const listeners: ((e: { data: HostToWorker }) => void)[] = [];
  const out: WorkerToHost[] = [];
  const scope: Record<string, unknown> = {
    addEventListener: (_type: string, fn: (e: { data: HostToWorker }) => void) => listeners.push(fn),
    postMessage: (m: WorkerToHost) => out.push(m),
    setTimeout, performance, Blob, Response, DecompressionStream, console, TextDecoder, TextEncoder, URL, crypto,
  };
  vm.createContext(scope);
  vm.runInContext(readFileSync(WEB_WORKER, 'utf8'), scope);
  assert.equal(listeners.length, 1);
  const waitFor = async (pred: () => boolean): Promise<void> => {
    for (let i = 0; i < 400 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
  };
  listeners[0]({ data: { type: 'train', id: 1, options: { iterations: 100 }, data: { kind: 'spiral', seed: 0 } } });
  await waitFor(() => out.some((m) => m.type === 'trainDone'));
  const done = out.find((m) => m.type === 'trainDone');
  assert.ok(done && done.type === 'trainDone' && done.summary.iterations === 100);
  // Gzip-compressed bytes are gunzipped in the worker (then this one is found to be a labels file).
  const labels = { bytes: gzipSync(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 1])), name: 'train-images-idx3-ubyte.gz' };
  listeners[0]({ data: { type: 'train', id: 2, options: {}, data: { kind: 'mnist', label: 'MNIST', files: { trainImages: labels, trainLabels: labels, testImages: labels, testLabels: labels } } } });
  await waitFor(() => out.some((m) => m.type === 'error'));
  const err = out.find((m) => m.type === 'error');
  assert.ok(err && err.type === 'error');
  assert.equal(err.message, 'train-images-idx3-ubyte.gz: wrong magic number 0x00000801, expected 0x00000803');
});
