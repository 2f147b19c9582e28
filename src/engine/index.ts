/** The engine's public API: tensors, graphs, shapes, layers, the stepper, expansion, checks, RNG. */
export { Tensor, shapeSize, shapeToString, sameShape, type Shape, type NestedArray } from './tensor';
export type { Graph, GraphNode, OpKind, SourcePosition, SourceRange, TensorOrigin } from './graph';
export { MAX_RANK, broadcastShapes, matmulShape, type ShapeAttrs, type ShapeResult } from './shapes';
export * as ops from './ops';
/** The layer classes, `LAYERS` (the one list of ops) and the tables derived from it. */
export * from './layers';
export {
  Stepper,
  StepError,
  validateGraph,
  type StepPhase,
  type Phase,
  type StepRecord,
  type ForwardRecord,
  type BackwardRecord,
  type StepDelta,
  type NodeChange,
  type EdgeChange,
  type StepperOptions,
} from './stepper';
export { expandComposites, expandedIdMap } from './expand';
export { elementPosition, nonFiniteMessage, type NonFiniteReport } from './nonFinite';
export {
  NUMERICAL_H,
  evaluate,
  backprop,
  numericalGradients,
  checkedLeaves,
  gradientCheck,
  type BackpropResult,
  type LeafCheck,
  type GradientCheckResult,
  type NumericalGradientOptions,
} from './numgrad';
export { Rng, createRng } from './random';
export { NpyError, readNpy, readNpyHeader, writeNpy } from './io/npy';
export { npzKeys, readNpz, writeNpz } from './io/npz';
