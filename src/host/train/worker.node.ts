/** Entry of dist/worker.js: the training worker in the Node extension host (worker_threads). */
import { parentPort } from 'node:worker_threads';
import { gunzip } from 'node:zlib';
import { WorkerCore } from './workerCore';
import type { HostToWorker, WorkerToHost } from './workerProtocol';

const port = parentPort;
if (port) {
  const core = new WorkerCore({
    post: (msg: WorkerToHost) => port.postMessage(msg),
    gunzip: (bytes) =>
      new Promise((resolve, reject) => gunzip(bytes, (err, out) => (err ? reject(err) : resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength))))),
    yieldControl: () => new Promise((resolve) => setImmediate(resolve)),
  });
  port.on('message', (msg: HostToWorker) => void core.handle(msg));
}
