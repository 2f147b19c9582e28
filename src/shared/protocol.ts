/**
 * The one message protocol between the extension host and the webview panel.
 * Imported by both sides. Messages from the webview are untrusted: the host validates every one
 * with `parseWebviewMessage` before acting on it; their types come from the schemas of `schema.ts`.
 */

import type * as v from 'valibot';
import type { LocalText } from '../engine/arithmetic';
import type { EpochReport, TrainOptions } from '../engine/train/trainer';
import type { GradCheckReport } from '../engine/train/gradcheckReport';
import {
  PersistedStateSchema,
  STEP_COMMANDS,
  TrainWebviewToHostSchema,
  WebviewToHostSchema,
  parseOrUndefined,
  type PanelChangeSchema,
  type FigureFormatSchema,
} from './schema';
/** Where the cursor is: the stepper's own type (one definition for the engine, host and webview). */
import type { Phase } from '../engine/stepper';

export type { EpochReport, GradCheckReport, LocalText, Phase, TrainOptions };

/** A tensor as sent to the webview: shape plus row-major values (structured clone keeps NaN). */
export interface TensorData {
  shape: number[];
  data: number[];
}

export interface NodeInfo {
  id: number;
  label: string;
  name?: string;
  op: string;
  /** Short symbol drawn in the node: ×, +, ReLU, σ, … */
  symbol: string;
  inputs: number[];
  shape: number[];
  leaf: boolean;
  constant: boolean;
  /** Forward step index of this node (op nodes), or -1 for leaves. */
  forwardStep: number;
  /** Backward step index of this node (op nodes), or -1 for leaves. */
  backwardStep: number;
  rule: LocalText;
  formula: string;
  /** 1-based source line, for revealing it in the editor. */
  line: number;
  /** Leaves loaded from a numpy file: the file as written in the source and the array's key in an .npz. */
  origin?: { file: string; key?: string };
  /**
   * Set when a NaN or ±Infinity first appears at this node (its value, or a gradient it sends back,
   * although all it read was finite): the phase and the warning, as the editor's Problems panel shows it.
   */
  nonFinite?: { phase: 'input' | 'forward' | 'backward'; message: string };
  /** A traced Python script only: the script's numbers here differ from the engine's rule. */
  mismatch?: NodeMismatch;
}

/** What a traced node's check found (the first mismatch at that node). */
export interface NodeMismatch {
  message: LocalText;
  /** What the script computed ("yours") and what the engine's rule gives ("reference"). */
  yours: TensorData | null;
  reference: TensorData | null;
  rule: LocalText;
}


export interface GraphInfo {
  /** The document the graph comes from. */
  uri: string;
  fileName: string;
  nodes: NodeInfo[];
  output: number;
  totalSteps: number;
  forwardSteps: number;
  expanded: boolean;
  /** Same key ⇒ same graph shape ⇒ the webview may keep its layout. */
  layoutKey: string;
  /** The book's figures this graph reproduces ("5-16"), for the caption; built-in examples only. */
  figures?: string[];
}

/** What changed at a node or an edge; `null` clears it (when stepping back). */
export interface NodeDelta {
  id: number;
  value?: TensorData | null;
  grad?: TensorData | null;
}
export interface EdgeDelta {
  /** The consuming node. */
  to: number;
  /** Argument position at the consumer. */
  index: number;
  grad: TensorData | null;
}

export interface StepState {
  cursor: number;
  totalSteps: number;
  phase: Phase;
  /** Node run by the step just before the cursor, or null at the start. */
  current: number | null;
  /** The arithmetic of that step written out, one line per result (absent at the start). */
  explain?: LocalText[];
}

export type HostToWebview =
  | { type: 'graph'; graph: GraphInfo; state: StepState; nodes: NodeDelta[]; edges: EdgeDelta[]; locale: string }
  | { type: 'update'; state: StepState; nodes: NodeDelta[]; edges: EdgeDelta[] }
  | { type: 'select'; node: number }
  | { type: 'error'; message: string; line?: number; column?: number }
  /** Practice mode on or off (Backprop: Practice Backward Pass). */
  | { type: 'practice'; enabled: boolean }
  /** Fade-ins of new values and gradients on or off (`backprop.panel.animate`, `workbench.reduceMotion`). */
  | { type: 'motion'; enabled: boolean }
  /** One element of a matrix product's gradient written out, for the cell the student clicked. */
  | { type: 'elementExplain'; node: number; input: number; row: number; col: number; text: LocalText | null }
  /** Export Figure…: draw the graph at the current step as SVG or PNG and send it back. */
  | { type: 'exportFigure'; requestId: number; format: FigureFormat };

export { MAX_FIGURE_CHARS, STEP_COMMANDS } from './schema';
export type StepCommand = (typeof STEP_COMMANDS)[number];

/** What the stepper's webview posts (see `WebviewToHostSchema`). */
export type WebviewToHost = v.InferOutput<typeof WebviewToHostSchema>;

/**
 * A change the panel asks the host for (see `PanelChangeSchema`). All of them take one door (the
 * host's step command runner), which changes the controller; the panel then shows what it has.
 */
export type PanelChange = v.InferOutput<typeof PanelChangeSchema>;

export type FigureFormat = v.InferOutput<typeof FigureFormatSchema>;

/** Validates a message from the webview; anything malformed gives undefined. */
export function parseWebviewMessage(x: unknown): WebviewToHost | undefined {
  return parseOrUndefined(WebviewToHostSchema, x);
}

/** State the webview keeps with `setState`, so a reload restores the panel (see `PersistedStateSchema`). */
export type WebviewPersistedState = v.InferOutput<typeof PersistedStateSchema>;

// ---------------------------------------------------------------------------------------------
// The training / gradient-check panel (viewType `backprop.training`). Messages from it are untrusted
// too: the host validates every one with `parseTrainWebviewMessage`.
// ---------------------------------------------------------------------------------------------


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

/** What the training panel's webview posts (see `TrainWebviewToHostSchema`). */
export type TrainWebviewToHost = v.InferOutput<typeof TrainWebviewToHostSchema>;

/** Validates a message from the training panel; anything malformed gives undefined. */
export function parseTrainWebviewMessage(x: unknown): TrainWebviewToHost | undefined {
  return parseOrUndefined(TrainWebviewToHostSchema, x);
}
