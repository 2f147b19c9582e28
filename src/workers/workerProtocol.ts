/**
 * Messages between the extension host and the training worker (dist/worker.js in the Node host,
 * dist/web/worker.js in the web host). Both ends are our own code, so these are plain types; the
 * host still checks `type` before acting. No `vscode` import: the worker bundles this too.
 */
import type { EpochReport, TrainOptions } from '../engine/train/trainer';
import type { MnistFileKey } from '../engine/train/dataset';
import type { NetParams } from '../engine/train/net';
import type { GradCheckReport } from '../engine/train/gradcheckReport';

export type DataSource =
  | { kind: 'spiral'; seed: number }
  /** The raw (maybe gzip-compressed) bytes of the four idx files, read by the host. */
  | { kind: 'mnist'; label: string; files: Record<MnistFileKey, { bytes: Uint8Array; name: string }> };

export type HostToWorker =
  | { type: 'train'; id: number; options: Partial<TrainOptions>; data: DataSource }
  | { type: 'cancel'; id: number }
  /** `files`: the numpy files the source loads (`load("…")`), read by the host: bytes or why not. */
  | { type: 'gradcheck'; id: number; source: string; fileName: string; files?: { path: string; bytes?: Uint8Array; error?: string }[] };

/** A trained net, enough to rebuild a graph of it for a small batch. */
export interface TrainedNet {
  params: NetParams;
  inputSize: number;
  hidden: number;
  outputSize: number;
  /** Candidate test samples (raw values; the net sees raw / divisor) for the "open as graph" document. */
  samples: { raw: number[][]; labels: number[]; divisor: number };
}

export interface TrainSummary {
  dataName: string;
  trainCount: number;
  testCount: number;
  iterations: number;
  cancelled: boolean;
  trainAcc: number;
  testAcc: number;
  ms: number;
  backend: string;
}

export type WorkerToHost =
  | { type: 'dataLoaded'; id: number; dataName: string; trainCount: number; testCount: number; features: number; classes: number; options: TrainOptions; loadMs: number }
  /**
   * Everything since the last message, sent at most every 100 ms (a small data set can finish an
   * epoch every few milliseconds; one message per epoch would flood the host): the losses of
   * iterations firstIteration, firstIteration + 1, …, and the accuracies measured meanwhile.
   */
  | { type: 'progress'; id: number; firstIteration: number; losses: number[]; epochs: EpochReport[] }
  | { type: 'trainDone'; id: number; summary: TrainSummary; net: TrainedNet }
  | { type: 'gradcheckProgress'; id: number; done: number; total: number }
  | { type: 'gradcheckDone'; id: number; report: GradCheckReport }
  | { type: 'error'; id: number; message: string };
