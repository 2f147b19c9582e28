/**
 * What the host needs from the engine and the language, as small interfaces.
 * The session model depends only on these, so it is unit-tested with the real engine or with fakes,
 * and `engineBinding.ts` is the one place that wires in the real implementations.
 */
import type { Graph, OpKind, SourceRange } from '../engine/graph';
import type { NonFiniteReport } from '../engine/nonFinite';
import type { OpInfo } from '../engine/layers';
import type { Tensor } from '../engine/tensor';
import type { Phase } from '../shared/protocol';

/** A problem in the source, 1-based line and column, end exclusive. */
export interface SourceDiagnostic {
  message: string;
  range: SourceRange;
  severity: 'error' | 'warning';
}

export interface CompileOutput {
  graph?: Graph;
  diagnostics: SourceDiagnostic[];
  /** Every name in the source and the version (node label) it means there, for hover and go-to. */
  identifiers?: SourceIdentifier[];
}

/** A name at a place in the source: a definition or a use, and the label of the version it means. */
export interface SourceIdentifier {
  name: string;
  range: SourceRange;
  role: 'definition' | 'use' | 'function';
  label?: string;
}

/** A file the source loads (`load("x.npy")`): the path as written, and where. */
export interface FileReference {
  path: string;
  range: SourceRange;
}

/** What the host read for a loaded path: the bytes, or why it could not. */
export type FileContent = { readonly bytes: Uint8Array } | { readonly error: string };

/** The replay stepper: a cursor over 2 × (op nodes) steps, values and gradients visible at the cursor. */
export interface StepperPort {
  readonly cursor: number;
  readonly totalSteps: number;
  readonly forwardSteps: number;
  readonly phase: Phase;
  goTo(step: number): void;
  /** Forward value visible at the cursor (leaves always), or undefined. */
  valueAt(nodeId: number): Tensor | undefined;
  /** Gradient accumulated at the cursor, or undefined. */
  gradAt(nodeId: number): Tensor | undefined;
  /** Gradient flowing along the edge into argument `argIndex` of `consumerId`, once its backward step ran. */
  edgeGradAt(consumerId: number, argIndex: number): Tensor | null | undefined;
  /**
   * What became visible or vanished between two cursors (only what the steps in between touch),
   * read at `to`. Optional: the session computes it from the other methods when missing.
   */
  delta?(from: number, to: number): {
    nodes: { id: number; value?: Tensor | null; grad?: Tensor | null }[];
    edges: { to: number; index: number; grad: Tensor | null }[];
  };
  /** The step index at which an op node runs in a phase, or -1 (leaves). */
  stepOfNode(nodeId: number, phase: 'forward' | 'backward'): number;
  /** Where NaN/±Infinity first appears in the whole pass (computing every step). Optional for fakes. */
  nonFiniteOfAllSteps?(): readonly NonFiniteReport[];
}

/** What the host shows about an op: the engine's `OpInfo`; the arithmetic template may be absent in fakes. */
export type OpDescription = Omit<OpInfo, 'arithmetic'> & Partial<Pick<OpInfo, 'arithmetic'>>;

export interface EnginePort {
  /** `files`: the contents of the files the source loads, by the path as written. */
  compile(source: string, expand: boolean, files?: ReadonlyMap<string, FileContent>): CompileOutput;
  /** The files a source loads (cheap: parses only). Optional: without it nothing is loaded. */
  fileReferences?(source: string): FileReference[];
  createStepper(graph: Graph): StepperPort;
  describeOp(op: OpKind): OpDescription;
}
