/**
 * Messages between the extension host and the training / gradient-check panel
 * (viewType `backprop.training`). Imported by both sides. Messages from the webview are untrusted:
 * the host validates every one with `parseTrainWebviewMessage`.
 */
import type { EpochReport, TrainOptions } from '../engine/train/trainer';
import type { GradCheckReport } from '../engine/train/gradcheckReport';

export type { EpochReport, GradCheckReport, TrainOptions };

export const TRAIN_PANEL_VIEW_TYPE = 'backprop.training';

export type RunState = 'loading' | 'running' | 'done' | 'cancelled' | 'error';

export interface TrainRunInfo {
  runId: number;
  state: RunState;
  dataName: string;
  options: TrainOptions;
  trainCount?: number;
  testCount?: number;
  /** Set when done/cancelled. */
  result?: { iterations: number; trainAcc: number; testAcc: number; ms: number; backend: string };
  error?: string;
}

/** What the extension's API exposes about training (see `BackpropStepperApi.trainingStatus`). */
export interface TrainingStatus {
  state: 'idle' | TrainRunInfo['state'];
  runId: number;
  dataName: string | null;
  iteration: number;
  totalIterations: number;
  lastLoss: number | null;
  epochs: EpochReport[];
  result: TrainRunInfo['result'] | null;
  error: string | null;
  /** What the panel's charts have drawn for this run, as the webview reported it. */
  chart: { lossPoints: number; accuracyPoints: number } | null;
  panelOpen: boolean;
  /** Where the work runs: 'thread', 'web-worker' or 'in-process'. */
  worker: string | null;
  gradientCheck: {
    state: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
    report: GradCheckReport | null;
    error: string | null;
    /** Parameters done of the numerical gradient, while running. */
    progress?: { done: number; total: number };
  };
}

export type TrainHostToWebview =
  /** The whole state (on open or reload of the panel, and when a new run starts). */
  | { type: 'init'; locale: string; run: TrainRunInfo | null; losses: number[]; epochs: EpochReport[]; gradcheck: GradCheckReport | null; gradcheckRunning: boolean }
  | { type: 'run'; run: TrainRunInfo }
  /** Losses for iterations firstIteration, firstIteration + 1, …, and new epochs, appended to the charts (at most ~5 a second). */
  | { type: 'progress'; runId: number; firstIteration: number; losses: number[]; epochs: EpochReport[] }
  | { type: 'gradcheck'; report: GradCheckReport | null; running: boolean; fileName?: string; error?: string };

export type TrainWebviewToHost =
  | { type: 'ready' }
  | { type: 'cancel' }
  | { type: 'cancelGradcheck' }
  | { type: 'openGraph' }
  | { type: 'trainAgain' }
  /** What the charts have drawn so far (reported after each redraw; the test hook reads it). */
  | { type: 'chartState'; runId: number; lossPoints: number; accuracyPoints: number };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 1e9;
}

/** Validates a message from the training panel; anything malformed gives undefined. */
export function parseTrainWebviewMessage(x: unknown): TrainWebviewToHost | undefined {
  if (!isRecord(x) || typeof x.type !== 'string') return undefined;
  switch (x.type) {
    case 'ready':
    case 'cancel':
    case 'cancelGradcheck':
    case 'openGraph':
    case 'trainAgain':
      return { type: x.type };
    case 'chartState':
      return isCount(x.runId) && isCount(x.lossPoints) && isCount(x.accuracyPoints)
        ? { type: 'chartState', runId: x.runId, lossPoints: x.lossPoints, accuracyPoints: x.accuracyPoints }
        : undefined;
    default:
      return undefined;
  }
}
