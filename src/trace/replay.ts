/**
 * Replaying a traced script in the stepper: each op node's layer returns what the student's code
 * returned (its forward result, what its backward gave each input), through the stepper's
 * `createLayer` hook, and the backward steps run in the order the script ran them. So stepping a
 * trace shows the student's own numbers, bugs included.
 */
import type { GraphNode } from '../engine/graph';
import { createLayer, type Layer } from '../engine/layers';
import { Stepper } from '../engine/stepper';
import type { Tensor } from '../engine/tensor';
import type { TracedGraph } from './build';

/** A layer that gives back a recording. */
class RecordedLayer implements Layer {
  constructor(
    private readonly output: Tensor,
    private readonly grads: readonly (Tensor | null)[],
  ) {}
  forward(): Tensor {
    return this.output;
  }
  backward(): (Tensor | null)[] {
    return [...this.grads];
  }
}

/** The layer factory that replays the script's numbers (a leaf or an unrecorded node gets the engine's layer). */
export function replayLayerFactory(traced: TracedGraph): (node: GraphNode) => Layer {
  return (node) => {
    const tr = traced.nodes[node.id];
    if (!tr) return createLayer(node);
    return new RecordedLayer(tr.output, tr.grads ?? node.inputs.map(() => null));
  };
}

/** A stepper over the traced graph that shows the script's numbers in the script's order. */
export function createTraceStepper(traced: TracedGraph): Stepper {
  const options: ConstructorParameters<typeof Stepper>[1] = { createLayer: replayLayerFactory(traced) };
  if (traced.backwardOrder) options.backwardOrder = traced.backwardOrder;
  return new Stepper(traced.graph, options);
}

/**
 * The engine's layers where it knows the op, the recording where it does not (custom layers):
 * the reference the script's gradients are compared with.
 */
export function referenceLayerFactory(traced: TracedGraph): (node: GraphNode) => Layer {
  const replay = replayLayerFactory(traced);
  return (node) => (node.op === 'custom' ? replay(node) : createLayer(node));
}
