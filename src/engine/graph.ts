import type { OpWithInputs } from './layers';
import type { Shape, Tensor } from './tensor';

/** 1-based line and column, as editors and compilers print them. End is exclusive. */
export interface SourcePosition {
  line: number;
  column: number;
}
export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

/**
 * Every operation the engine knows: the ops of the layers (`LAYERS` in layers/index.ts), a given
 * value (`leaf`), and `custom`, a layer the engine does not know (a student's own class) whose
 * numbers come from a recording. Composite layers (`sigmoid`, `affine`) can be expanded into
 * primitives (`neg`, `exp`, `add`, `recip`; `matmul`, `add`).
 */
export type OpKind = 'leaf' | OpWithInputs | 'custom';

export interface GraphNode {
  /** Index in `Graph.nodes`; nodes are in topological order (every input id is smaller). */
  readonly id: number;
  readonly op: OpKind;
  /** Ids of the input nodes, in argument order. */
  readonly inputs: readonly number[];
  /** The variable name when the node is the value of an assignment. */
  readonly name?: string;
  /** What the UI shows: the name, or a readable generated label such as `mul1`. */
  readonly label: string;
  /** Output shape, known before anything runs. */
  readonly shape: Shape;
  /** Leaves only: the value. */
  readonly value?: Tensor;
  /** Leaves that never get a gradient shown or checked: unnamed literals, one-hot labels. */
  readonly constant?: boolean;
  /** `pow` only: the constant exponent. */
  readonly exponent?: number;
  /** `custom` only: the student's class name, drawn as the node's symbol. */
  readonly className?: string;
  /** Where the node comes from in the source text. */
  readonly range: SourceRange;
  /** Set on primitive nodes produced by expanding a composite: the id of the composite node in the fused graph. */
  readonly expandedFrom?: number;
  /** Leaves loaded from a file (`load("w.npz", "W1")`): the file as written in the source, and the array's key in an `.npz`. */
  readonly origin?: TensorOrigin;
}

/** Where a loaded tensor comes from. */
export interface TensorOrigin {
  readonly file: string;
  readonly key?: string;
  /** numpy's dtype of the stored array (the graph holds it as float64). */
  readonly dtype?: string;
}

export interface Graph {
  readonly nodes: readonly GraphNode[];
  /** Id of the output node: backward starts there with ones. */
  readonly output: number;
}
