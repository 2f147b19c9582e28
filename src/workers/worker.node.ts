/** Entry of dist/worker.js: the training worker in the Node extension host (worker_threads). */
import { parentPort } from 'node:worker_threads';
import { gunzip } from 'node:zlib';
import { WorkerCore } from './workerCore';
import type { HostToWorker, WorkerToHost } from './workerProtocol';

const port = parentPort;
if (port) {
  const core = new WorkerCore({
    post: (msg: WorkerToHost) => port.postMessage(msg),
    // maxOutputLength stops zlib at the cap (it fails with ERR_BUFFER_TOO_LARGE).
    gunzip: (bytes, maxBytes) =>
      new Promise((resolve, reject) =>
        gunzip(bytes, { maxOutputLength: maxBytes }, (err, out) =>
          err ? reject((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? new Error(`it decompresses to more than ${maxBytes.toLocaleString('en-US')} bytes`) : err) : resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)),
        ),
      ),
    yieldControl: () => new Promise((resolve) => setImmediate(resolve)),
  });
  port.on('message', (msg: HostToWorker) => void core.handle(msg));
}
