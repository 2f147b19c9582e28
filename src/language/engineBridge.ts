/**
 * The few engine services the compiler uses, in one place: constant folding runs the engine's own
 * layer `forward` (so a folded constant is exactly what the graph would compute), `randn` comes
 * from the engine's seeded generator, and composite expansion is the engine's.
 */
import { expandComposites } from '../engine/expand';
import type { Graph, OpKind } from '../engine/graph';
import { checkLabels, createLayer, labelForm } from '../engine/layers';
import { createRng } from '../engine/random';
import type { ShapeAttrs } from '../engine/shapes';
import type { Shape, Tensor } from '../engine/tensor';

export interface RandomSource {
  randn(shape: Shape): Tensor;
}

export function createRandom(seed: number): RandomSource {
  const rng = createRng(seed);
  return { randn: (shape) => rng.randnTensor(shape) };
}

/** The value of `op` applied to constant inputs (shapes already checked). */
export function foldOp(op: OpKind, inputs: readonly Tensor[], attrs?: ShapeAttrs): Tensor {
  return createLayer({ op, exponent: attrs?.exponent }).forward(inputs);
}

export function expandGraph(graph: Graph): Graph {
  return expandComposites(graph);
}

/** Why constant labels `t` are neither one-hot rows nor class indices for scores of `xShape`, or undefined when they are fine (or their shape is wrong: that is the shape check's message). */
export function labelValueError(xShape: Shape, t: Tensor): string | undefined {
  const form = labelForm(xShape, t.shape);
  if (form !== 'one-hot' && form !== 'indices') return undefined;
  const checked = checkLabels(xShape, t);
  return 'error' in checked ? checked.error : undefined;
}
