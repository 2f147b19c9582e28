/**
 * What `activate()` returns: a read-only view of the stepper for tests and other extensions.
 * `vscode.extensions.getExtension('backprop-stepper.backprop-stepper').exports`
 */
import type { NestedArray } from '../engine/tensor';
import type { Phase } from '../shared/protocol';
import type { TrainingStatus } from '../shared/protocol';

export interface SessionSnapshot {
  /** The document the graph comes from. */
  uri: string;
  cursor: number;
  totalSteps: number;
  forwardSteps: number;
  phase: Phase;
  expanded: boolean;
  /** Label of the node run by the last step, or null at the start. */
  current: string | null;
  /** Node count of the graph as stepped (expanded or fused). */
  nodeCount: number;
  /** Every node label → its forward value, for nodes computed at the cursor (leaves always). */
  values: Record<string, NestedArray>;
  /** Every node label → its gradient as accumulated at the cursor, for nodes that have one. */
  grads: Record<string, NestedArray>;
}

export interface BackpropStepperApi {
  /** The stepper session shown in the panel, if any. */
  session(): SessionSnapshot | undefined;
  /** Whether the stepper panel is open. */
  panelOpen(): boolean;
  /**
   * Training and gradient-check state (test hook): iterations and losses received, accuracies per
   * epoch, and what the training panel's charts have drawn as the webview reported it.
   */
  trainingStatus?(): TrainingStatus;
  /**
   * Milliseconds from the start of the bundle's evaluation to the end of `activate()`, as the
   * extension measured itself (`performance.now()`); read by `npm run bench:vscode`.
   */
  activationMs?(): number;
}
