/**
 * Non-finite values as first-class results: where a NaN or ±Infinity first appears in a graph, in
 * which phase, and why. The stepper records a report for every node whose forward value (or the
 * gradient it sends back) is not finite although everything that node read was finite; later
 * nodes that only carry the value on are not reported again. The cause comes from the op's layer
 * (`Layer.forwardCause` / `backwardCause`, beside its forward and backward).
 */
import type { Graph, GraphNode } from './graph';
import { formatNumber } from './layers';
import type { Tensor } from './tensor';

export interface NonFiniteReport {
  nodeId: number;
  /** `input`: a leaf given a non-finite value (the graph did not compute it). */
  phase: 'input' | 'forward' | 'backward';
  /** The 0-based step that produced it (−1 for an input). */
  step: number;
  /** Backward: the input whose gradient is not finite (its position among the node's inputs). */
  arg?: number;
  /** The first element that is not finite (row-major). */
  index: number;
  value: number;
  /** What went wrong, in words with the numbers: "log of 0 (log(0) = -Infinity)". */
  cause: string;
}

/** Position of element `index` in a tensor of this shape, for messages: "", "[3]", "[1, 2]". */
export function elementPosition(t: Pick<Tensor, 'shape'>, index: number): string {
  if (t.shape.length === 0) return '';
  if (t.shape.length === 1) return `[${index}]`;
  const cols = t.shape[1];
  return `[${Math.floor(index / cols)}, ${index % cols}]`;
}

function quoted(node: GraphNode | undefined): string {
  return `'${node?.label ?? '?'}'`;
}

/**
 * One sentence for a report, naming the node and the cause:
 * "'q' is -Infinity: log of 0 (log(0) = -Infinity)" or
 * "the gradient that 'r' sends to 'x' is -Infinity: the gradient −dout·y² overflowed (…)".
 */
export function nonFiniteMessage(graph: Graph, r: NonFiniteReport, shape: Pick<Tensor, 'shape'>): string {
  const node = graph.nodes[r.nodeId];
  const at = elementPosition(shape, r.index);
  const where = at === '' ? '' : ` at ${at}`;
  if (r.phase === 'backward') {
    const input = graph.nodes[node?.inputs[r.arg ?? 0] ?? -1];
    return `the gradient that ${quoted(node)} sends to ${quoted(input)} is ${formatNumber(r.value)}${where}: ${r.cause}`;
  }
  return `${quoted(node)} is ${formatNumber(r.value)}${where}: ${r.cause}`;
}
