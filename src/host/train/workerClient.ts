/**
 * Starts the training worker off the extension host's main thread: `worker_threads` running the
 * bundled dist/worker.js in the Node host, a Web Worker running dist/web/worker.js in the web host.
 * Where neither can start, the same code runs in-process (it yields between iterations, so the host
 * still answers, only slower).
 */
import { gunzipBounded } from '../../workers/gunzipStream';
import * as vscode from 'vscode';
import { WorkerCore } from '../../workers/workerCore';
import type { HostToWorker, WorkerToHost } from '../../workers/workerProtocol';

export interface TrainingWorker {
  /** 'thread' (worker_threads), 'web-worker' or 'in-process'. */
  readonly kind: string;
  post(msg: HostToWorker, transfer?: ArrayBuffer[]): void;
  terminate(): void;
}

export type WorkerListener = (msg: WorkerToHost) => void;

export async function startTrainingWorker(extensionUri: vscode.Uri, onMessage: WorkerListener, onCrash: (message: string) => void): Promise<TrainingWorker> {
  try {
    if (process.env.BACKPROP_WEB === '1') return await startWebWorker(extensionUri, onMessage, onCrash);
    return await startThread(extensionUri, onMessage, onCrash);
  } catch (e) {
    console.warn(`[backprop] training worker could not start (${e instanceof Error ? e.message : String(e)}); running in-process`);
    return startInProcess(onMessage);
  }
}

async function startThread(extensionUri: vscode.Uri, onMessage: WorkerListener, onCrash: (message: string) => void): Promise<TrainingWorker> {
  const { Worker } = await import('node:worker_threads');
  const script = vscode.Uri.joinPath(extensionUri, 'dist', 'worker.js').fsPath;
  const worker = new Worker(script);
  let terminated = false;
  worker.on('message', (msg: WorkerToHost) => onMessage(msg));
  worker.on('error', (err: Error) => onCrash(err.message));
  worker.on('exit', (code: number) => {
    if (!terminated && code !== 0) onCrash(`the training worker stopped (exit code ${code})`);
  });
  return {
    kind: 'thread',
    post: (msg, transfer) => worker.postMessage(msg, transfer ?? []),
    terminate: () => {
      terminated = true;
      void worker.terminate();
    },
  };
}

interface WebWorkerLike {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
}

async function startWebWorker(extensionUri: vscode.Uri, onMessage: WorkerListener, onCrash: (message: string) => void): Promise<TrainingWorker> {
  const Ctor = (globalThis as { Worker?: new (url: string) => WebWorkerLike }).Worker;
  if (!Ctor) throw new Error('Web Workers are not available here');
  // The extension's files may come from another origin than the worker host: start the worker
  // from a blob of the bundled script instead of its URL.
  const script = vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'worker.js');
  let code: Uint8Array;
  try {
    code = await vscode.workspace.fs.readFile(script);
  } catch {
    // Extensions served over http(s) in the browser: no file system provider for that scheme.
    const response = await fetch(script.toString(true));
    if (!response.ok) throw new Error(`cannot load ${script.toString(true)}: HTTP ${response.status}`);
    code = new Uint8Array(await response.arrayBuffer());
  }
  const url = URL.createObjectURL(new Blob([code as Uint8Array<ArrayBuffer>], { type: 'text/javascript' }));
  const worker = new Ctor(url);
  worker.onmessage = (e) => onMessage(e.data as WorkerToHost);
  worker.onerror = (e) => onCrash(e.message || 'the training worker failed');
  return {
    kind: 'web-worker',
    post: (msg, transfer) => worker.postMessage(msg, transfer ?? []),
    terminate: () => {
      worker.terminate();
      URL.revokeObjectURL(url);
    },
  };
}

function startInProcess(onMessage: WorkerListener): TrainingWorker {
  let alive = true;
  const core = new WorkerCore({
    post: (msg) => {
      if (alive) onMessage(msg);
    },
    gunzip: gunzipBounded,
    yieldControl: () => new Promise((resolve) => setTimeout(resolve, 0)),
  });
  return {
    kind: 'in-process',
    // Deliver asynchronously, like a real worker.
    post: (msg) => void Promise.resolve().then(() => (alive ? core.handle(msg) : undefined)),
    terminate: () => {
      alive = false;
      core.stopAll();
    },
  };
}

