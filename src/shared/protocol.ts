/**
 * The one message protocol between the extension host and the webview panel.
 * Imported by both sides. Messages from the webview are untrusted: the host validates every one
 * with `parseWebviewMessage` before acting on it.
 */

/** A tensor as sent to the webview: shape plus row-major values (structured clone keeps NaN). */
export interface TensorData {
  shape: number[];
  data: number[];
}

export interface LocalText {
  en: string;
  ko: string;
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
}

export type Phase = 'forward' | 'backward' | 'done';

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
}

export type HostToWebview =
  | { type: 'graph'; graph: GraphInfo; state: StepState; nodes: NodeDelta[]; edges: EdgeDelta[]; locale: string }
  | { type: 'update'; state: StepState; nodes: NodeDelta[]; edges: EdgeDelta[] }
  | { type: 'select'; node: number }
  | { type: 'error'; message: string; line?: number; column?: number };

export const STEP_COMMANDS = [
  'stepForward',
  'stepBackward',
  'previousStep',
  'nextStep',
  'runForward',
  'runBackward',
  'reset',
  'toggleComposite',
] as const;
export type StepCommand = (typeof STEP_COMMANDS)[number];

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'command'; command: StepCommand }
  | { type: 'goTo'; step: number }
  | { type: 'select'; node: number }
  | { type: 'revealLine'; node: number };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isIndex(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 1e9;
}

/** Validates a message from the webview; anything malformed gives undefined. */
export function parseWebviewMessage(x: unknown): WebviewToHost | undefined {
  if (!isRecord(x) || typeof x.type !== 'string') return undefined;
  switch (x.type) {
    case 'ready':
      return { type: 'ready' };
    case 'command':
      return typeof x.command === 'string' && (STEP_COMMANDS as readonly string[]).includes(x.command)
        ? { type: 'command', command: x.command as StepCommand }
        : undefined;
    case 'goTo':
      return isIndex(x.step) ? { type: 'goTo', step: x.step } : undefined;
    case 'select':
    case 'revealLine':
      return isIndex(x.node) ? { type: x.type, node: x.node } : undefined;
    default:
      return undefined;
  }
}

/** State the webview keeps with `setState`, so a reload restores the panel. */
export interface WebviewPersistedState {
  uri: string;
  cursor: number;
  expanded: boolean;
  selected: number | null;
}
