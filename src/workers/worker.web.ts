/** Entry of dist/web/worker.js: the training worker in the web extension host (a Web Worker). */
import { gunzipBounded } from './gunzipStream';
import { WorkerCore } from './workerCore';
import type { HostToWorker, WorkerToHost } from './workerProtocol';

interface WorkerScope {
  postMessage(msg: unknown): void;
  addEventListener(type: 'message', fn: (e: { data: HostToWorker }) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

const core = new WorkerCore({
  post: (msg: WorkerToHost) => scope.postMessage(msg),
  gunzip: gunzipBounded,
  yieldControl: () => new Promise((resolve) => setTimeout(resolve, 0)),
});
scope.addEventListener('message', (e) => void core.handle(e.data));
