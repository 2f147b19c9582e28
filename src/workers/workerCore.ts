/**
 * What the training worker does, independent of how it talks (worker_threads or a Web Worker):
 * load data, train with progress batched into few messages, run the gradient check.
 * Pure apart from the injected `post`, `gunzip` and timers; unit-tested in-process.
 */
import { compile, type FileContent } from '../language';
import { gradientCheck, NUMERICAL_H } from '../engine/numgrad';
import { idxTooLarge, isGzip, MAX_IDX_BYTES } from '../engine/train/idx';
import { mnistFromBytes, spiralData, type MnistBytes, type MnistFileKey, type TrainTestData, type Dataset } from '../engine/train/dataset';
import { train, resolveTrainOptions, type EpochReport, type TrainOptions } from '../engine/train/trainer';
import { summarizeGradientCheck } from '../engine/train/gradcheckReport';
import type { DataSource, HostToWorker, TrainedNet, WorkerToHost } from './workerProtocol';

export interface WorkerEnv {
  post(msg: WorkerToHost): void;
  /** Gunzips, failing once the output passes `maxBytes` (never holding more than that). */
  gunzip(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array>;
  /** Lets queued messages (cancel) in; in a worker: a macrotask (setTimeout 0). */
  yieldControl(): Promise<void>;
}

/** How often the worker sends losses: fewer, larger messages keep the host idle. */
const FLUSH_MS = 100;
/** The batch of the "open as graph" document is chosen among this many test samples (see netSource). */
const IMAGE_CANDIDATES = 100;

export class WorkerCore {
  private readonly cancelled = new Set<number>();
  private stopped = false;

  constructor(private readonly env: WorkerEnv) {}

  /** Stops every run at its next check (the in-process fallback's terminate). */
  stopAll(): void {
    this.stopped = true;
  }

  async handle(msg: HostToWorker): Promise<void> {
    try {
      switch (msg.type) {
        case 'cancel':
          this.cancelled.add(msg.id);
          return;
        case 'train':
          await this.train(msg.id, msg.options, msg.data);
          return;
        case 'gradcheck':
          this.gradcheck(msg.id, msg.source, msg.fileName, msg.files ?? []);
          return;
      }
    } catch (e) {
      this.env.post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
    }
  }

  private async loadData(data: DataSource): Promise<TrainTestData> {
    if (data.kind === 'spiral') return spiralData({ seed: data.seed });
    const files = {} as MnistBytes;
    for (const key of Object.keys(data.files) as MnistFileKey[]) {
      const f = data.files[key];
      let bytes = f.bytes;
      if (bytes.byteLength > MAX_IDX_BYTES) throw new Error(idxTooLarge(f.name, 'is'));
      if (isGzip(bytes)) {
        try {
          bytes = await this.env.gunzip(bytes, MAX_IDX_BYTES);
        } catch (e) {
          throw new Error(`${f.name}: cannot gunzip: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }
      files[key] = { bytes, name: f.name };
    }
    return mnistFromBytes(files, data.label);
  }

  private async train(id: number, partial: Partial<TrainOptions>, source: DataSource): Promise<void> {
    const options = resolveTrainOptions(partial);
    const t0 = performance.now();
    const data = await this.loadData(source);
    this.env.post({
      type: 'dataLoaded', id, dataName: data.name, trainCount: data.train.count, testCount: data.test.count,
      features: data.train.features, classes: data.train.classes, options, loadMs: performance.now() - t0,
    });
    let pending: number[] = [];
    let pendingEpochs: EpochReport[] = [];
    let first = 1;
    let lastFlush = performance.now();
    const flush = (): void => {
      if (pending.length === 0 && pendingEpochs.length === 0) return;
      this.env.post({ type: 'progress', id, firstIteration: first, losses: pending, epochs: pendingEpochs });
      first += pending.length;
      pending = [];
      pendingEpochs = [];
      lastFlush = performance.now();
    };
    const result = await train(data, options, {
      onIteration: (_i, loss) => {
        pending.push(loss);
        if (performance.now() - lastFlush >= FLUSH_MS) flush();
      },
      onEpoch: (report) => {
        pendingEpochs.push(report);
        if (performance.now() - lastFlush >= FLUSH_MS) flush();
      },
      isCancelled: () => this.stopped || this.cancelled.has(id),
      yieldControl: () => this.env.yieldControl(),
      yieldEveryMs: 30,
    });
    flush();
    this.cancelled.delete(id);
    const net: TrainedNet = {
      params: result.params,
      inputSize: result.inputSize,
      hidden: options.hidden,
      outputSize: result.outputSize,
      samples: candidateRows(data.test, IMAGE_CANDIDATES),
    };
    this.env.post({
      type: 'trainDone', id, net,
      summary: {
        dataName: data.name, trainCount: data.train.count, testCount: data.test.count, iterations: result.iterations,
        cancelled: result.cancelled, trainAcc: result.trainAcc, testAcc: result.testAcc, ms: result.ms, backend: result.backend,
      },
    });
  }

  private gradcheck(id: number, source: string, fileName: string, loaded: readonly { path: string; bytes?: Uint8Array; error?: string }[]): void {
    const files = new Map<string, FileContent>();
    for (const f of loaded) files.set(f.path, f.bytes instanceof Uint8Array ? { bytes: f.bytes } : { error: typeof f.error === 'string' ? f.error : 'not read' });
    const compiled = compile(source, { files });
    const err = compiled.diagnostics.find((d) => d.severity === 'error');
    if (!compiled.graph || err) {
      const where = err ? `${fileName}:${err.range.start.line}:${err.range.start.column}: ` : `${fileName}: `;
      throw new Error(`${where}${err ? err.message : 'the program does not compile'}`);
    }
    let last = 0;
    const result = gradientCheck(compiled.graph, {
      h: NUMERICAL_H,
      onProgress: (done, total) => {
        const now = performance.now();
        if (now - last >= FLUSH_MS || done === total) {
          last = now;
          this.env.post({ type: 'gradcheckProgress', id, done, total });
        }
      },
    });
    this.env.post({ type: 'gradcheckDone', id, report: summarizeGradientCheck(result, fileName, NUMERICAL_H) });
  }
}

/** The first `n` test samples as candidates for the batch of the "open as graph" document. */
function candidateRows(d: Dataset, n: number): TrainedNet['samples'] {
  const rows = Math.min(n, d.count);
  const raw: number[][] = [];
  for (let r = 0; r < rows; r++) raw.push(Array.from(d.x.subarray(r * d.features, (r + 1) * d.features)));
  return { raw, labels: Array.from(d.labels.subarray(0, rows)), divisor: d.divisor };
}
