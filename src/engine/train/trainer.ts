/**
 * The book's training loop for the two-layer net (chapter 5.7.4, train_neural_net.py):
 * mini-batch SGD with batches drawn at random with replacement, the loss recorded every
 * iteration and the accuracy on the whole train and test sets once per epoch.
 *
 * Pure and deterministic: the same options and data give the same numbers. It can be driven from
 * a worker (progress and cancel go through the hooks; `yieldControl` lets the worker's event loop
 * deliver a cancel message between iterations) or run straight through from the CLI.
 */
import { fillRange, type Dataset, type TrainTestData } from './dataset';
import { createNet, type TrainableNet, type NetParams } from './net';
import { createRng } from '../random';

export interface TrainOptions {
  hidden: number;
  batch: number;
  learningRate: number;
  iterations: number;
  seed: number;
  /** Standard deviation of the initial weights (the book's weight_init_std). */
  weightInitStd: number;
}

/** The book's defaults (train_neural_net.py). */
export const BOOK_DEFAULTS: Readonly<TrainOptions> = Object.freeze({
  hidden: 50,
  batch: 100,
  learningRate: 0.1,
  iterations: 10_000,
  seed: 0,
  weightInitStd: 0.01,
});

export interface EpochReport {
  /** 0 for the evaluation after the first update, as the book prints it. */
  epoch: number;
  /** Updates done when the accuracy was measured. */
  iteration: number;
  trainAcc: number;
  testAcc: number;
}

export interface TrainHooks {
  /** After every update: 1-based iteration and the mini-batch loss computed for that update. */
  onIteration?(iteration: number, loss: number): void;
  onEpoch?(report: EpochReport): void;
  /** Polled between iterations; true stops the loop after the current update. */
  isCancelled?(): boolean;
  /** Awaited at most every `yieldEveryMs` so a worker can receive messages (cancel). */
  yieldControl?(): Promise<void>;
  yieldEveryMs?: number;
  /** Extra iteration counts after which to measure accuracy (e.g. [3000]); results in `checkpoints`. */
  checkpointsAt?: readonly number[];
}

export interface TrainResult {
  options: TrainOptions;
  /** Updates actually done (fewer than asked when cancelled). */
  iterations: number;
  cancelled: boolean;
  /** Accuracy after the last update done. */
  trainAcc: number;
  testAcc: number;
  epochs: EpochReport[];
  /** Accuracies measured at `hooks.checkpointsAt`. */
  checkpoints: EpochReport[];
  /** Wall time of the loop, accuracy evaluations included. */
  ms: number;
  params: NetParams;
  inputSize: number;
  outputSize: number;
  /** Which kernels ran: 'wasm-fma' (relaxed SIMD where the runtime has it), 'wasm-simd' or 'typescript'. */
  backend: string;
}

/**
 * Training stopped because the mini-batch loss is NaN or ±Infinity: every later update would be
 * NaN too, and accuracies computed from such weights mean nothing.
 */
export class NonFiniteLossError extends Error {
  constructor(
    readonly iteration: number,
    readonly loss: number,
    readonly learningRate: number,
  ) {
    const value = Number.isNaN(loss) ? 'NaN' : loss > 0 ? 'Infinity' : '-Infinity';
    const why =
      iteration === 1
        ? 'before any update: the data or the initial weights are not finite'
        : `after ${iteration - 1} update${iteration === 2 ? '' : 's'} with learning rate ${learningRate} the weights are no longer finite; try a smaller learning rate (the book uses 0.1)`;
    super(`training stopped at iteration ${iteration}: the loss is ${value} (${why})`);
    this.name = 'NonFiniteLossError';
  }
}

/** Fills missing options with the book's defaults and checks ranges; throws a readable Error. */
export function resolveTrainOptions(partial: Partial<TrainOptions>): TrainOptions {
  const o: TrainOptions = { ...BOOK_DEFAULTS, ...stripUndefined(partial) };
  const positiveInt = (k: 'hidden' | 'batch' | 'iterations'): void => {
    if (!Number.isInteger(o[k]) || o[k] < 1 || o[k] > 10_000_000) throw new Error(`${k} must be a whole number ≥ 1, got ${o[k]}`);
  };
  positiveInt('hidden');
  positiveInt('batch');
  positiveInt('iterations');
  if (!Number.isFinite(o.learningRate) || o.learningRate <= 0) throw new Error(`learning rate must be a number > 0, got ${o.learningRate}`);
  if (!Number.isFinite(o.weightInitStd) || o.weightInitStd <= 0) throw new Error(`weight init std must be > 0, got ${o.weightInitStd}`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw new Error(`seed must be a whole number in [0, 4294967295], got ${o.seed}`);
  return o;
}

function stripUndefined<T extends object>(o: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Iterations per epoch as the book defines it: max(train_size / batch_size, 1). */
export function iterationsPerEpoch(trainCount: number, batch: number): number {
  return Math.max(trainCount / batch, 1);
}

const EVAL_CHUNK = 1000;

/** Fraction of `d` the net classifies right, evaluated in chunks to keep memory small. */
export function datasetAccuracy(net: TrainableNet, d: Dataset, buffer?: Float64Array): number {
  const chunk = Math.min(EVAL_CHUNK, d.count);
  const x = buffer && buffer.length >= chunk * d.features ? buffer : new Float64Array(chunk * d.features);
  let correct = 0;
  for (let start = 0; start < d.count; start += chunk) {
    const n = Math.min(chunk, d.count - start);
    fillRange(d, start, n, x);
    correct += net.correctCount(x, d.labels.subarray(start, start + n), n);
  }
  return correct / d.count;
}

export async function train(data: TrainTestData, partial: Partial<TrainOptions>, hooks: TrainHooks = {}): Promise<TrainResult> {
  const options = resolveTrainOptions(partial);
  const { train: tr, test: te } = data;
  if (tr.features !== te.features) throw new Error(`train samples have ${tr.features} features but test samples ${te.features}`);
  const rng = createRng(options.seed, 'training');
  const net = createNet(tr.features, options.hidden, tr.classes, options.batch, options.weightInitStd, rng);
  const tBatch = new Uint8Array(options.batch);
  const idx = new Int32Array(options.batch);
  const evalBuffer = new Float64Array(Math.min(EVAL_CHUNK, Math.max(tr.count, te.count)) * tr.features);
  const perEpoch = iterationsPerEpoch(tr.count, options.batch);
  const epochs: EpochReport[] = [];
  const t0 = performance.now();
  let lastYield = t0;
  const yieldEvery = hooks.yieldEveryMs ?? 50;
  let done = 0;
  let cancelled = false;
  let evaluatedAt = -1;
  const checkpointsAt = new Set(hooks.checkpointsAt ?? []);
  const checkpoints: EpochReport[] = [];

  const evaluate = (): EpochReport => {
    const report: EpochReport = {
      epoch: epochs.length,
      iteration: done,
      trainAcc: datasetAccuracy(net, tr, evalBuffer),
      testAcc: datasetAccuracy(net, te, evalBuffer),
    };
    epochs.push(report);
    evaluatedAt = done;
    hooks.onEpoch?.(report);
    return report;
  };

  for (let i = 0; i < options.iterations; i++) {
    if (hooks.isCancelled?.()) {
      cancelled = true;
      break;
    }
    rng.choice(tr.count, idx);
    const loss = net.gradientOfSamples(tr, idx, tBatch);
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(i + 1, loss, options.learningRate);
    net.sgdStep(options.learningRate);
    done = i + 1;
    hooks.onIteration?.(done, loss);
    // The book: `if i % iter_per_epoch == 0` (a float when train_size / batch is not whole).
    if (i % perEpoch === 0) evaluate();
    if (checkpointsAt.has(done)) {
      const e = evaluatedAt === done ? epochs[epochs.length - 1] : undefined;
      checkpoints.push({
        epoch: epochs.length,
        iteration: done,
        trainAcc: e ? e.trainAcc : datasetAccuracy(net, tr, evalBuffer),
        testAcc: e ? e.testAcc : datasetAccuracy(net, te, evalBuffer),
      });
    }
    if (hooks.yieldControl && performance.now() - lastYield >= yieldEvery) {
      await hooks.yieldControl();
      lastYield = performance.now();
    }
  }
  const last = evaluatedAt === done && epochs.length > 0 ? epochs[epochs.length - 1] : finalReport();
  function finalReport(): EpochReport {
    return { epoch: epochs.length, iteration: done, trainAcc: datasetAccuracy(net, tr, evalBuffer), testAcc: datasetAccuracy(net, te, evalBuffer) };
  }
  return {
    options,
    iterations: done,
    cancelled,
    trainAcc: last.trainAcc,
    testAcc: last.testAcc,
    epochs,
    checkpoints,
    ms: performance.now() - t0,
    params: net.params(),
    inputSize: tr.features,
    outputSize: tr.classes,
    backend: net.backend,
  };
}
