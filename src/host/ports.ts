/**
 * What the host needs from the engine and the language, as small interfaces.
 * The session model depends only on these, so it is unit-tested with the real engine or with fakes,
 * and `engineBinding.ts` is the one place that wires in the real implementations.
 */
import type { Graph, OpKind, SourceRange } from '../engine/graph';
import type { OpInfo } from '../engine/layers';
import type { Stepper } from '../engine/stepper';
import type { Diagnostic, IdentifierInfo, StatementInfo } from '../language';

/** A problem in the source, 1-based line and column, end exclusive (the language's own type). */
export type SourceDiagnostic = Diagnostic;

/** A name at a place in the source: a definition or a use, and the label of the version it means. */
export type SourceIdentifier = IdentifierInfo;

/** A statement of the source: what it assigns (and the version label it makes), where. */
export type SourceStatement = StatementInfo;

export interface CompileOutput {
  graph?: Graph;
  diagnostics: SourceDiagnostic[];
  /** Every name in the source and the version (node label) it means there, for hover and go-to. */
  identifiers?: SourceIdentifier[];
  /** Every statement in source order, for the inline hints and the Outline. */
  statements?: SourceStatement[];
}

/** A file the source loads (`load("x.npy")`): the path as written, and where. */
export interface FileReference {
  path: string;
  range: SourceRange;
}

/** What the host read for a loaded path: the bytes, or why it could not. */
export type FileContent = { readonly bytes: Uint8Array } | { readonly error: string };

/**
 * The replay stepper, as the engine's `Stepper` has it: a cursor over 2 × (op nodes) steps, values
 * and gradients visible at the cursor, which node each step runs, who consumes a node, and the
 * deltas between two cursors. The session reads these; it keeps no copies of them.
 */
export type StepperPort = Pick<
  Stepper,
  | 'cursor'
  | 'totalSteps'
  | 'forwardSteps'
  | 'phase'
  | 'currentNode'
  | 'goTo'
  | 'valueAt'
  | 'gradAt'
  | 'edgeGradAt'
  | 'delta'
  | 'nodeOfStep'
  | 'stepOfNode'
  | 'consumersOf'
  | 'nonFiniteOfAllSteps'
>;

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
