/** Entry of dist/web/worker.js: the training worker in the web extension host (a Web Worker). */
import { WorkerCore } from './workerCore';
import type { HostToWorker, WorkerToHost } from './workerProtocol';

interface WorkerScope {
  postMessage(msg: unknown): void;
  addEventListener(type: 'message', fn: (e: { data: HostToWorker }) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const core = new WorkerCore({
  post: (msg: WorkerToHost) => scope.postMessage(msg),
  gunzip,
  yieldControl: () => new Promise((resolve) => setTimeout(resolve, 0)),
});
scope.addEventListener('message', (e) => void core.handle(e.data));
