/**
 * Composite expansion: the book draws Sigmoid and Affine both as one layer and as a graph of
 * primitive nodes. `expandComposites` produces the primitive version:
 *
 *   sigmoid(x)       →  x × (−1) → exp → + 1 → 1/x        (figure 5-19)
 *   affine(x, W, b)  →  x @ W → + b (bias broadcast over the batch)
 *
 * Primitive nodes keep the composite's source range and record `expandedFrom`; the composite's
 * name and label move to its last primitive, so every named variable has the same value and
 * gradient either way.
 */
import type { Graph, GraphNode, OpKind } from './graph';
import { inferShape } from './layers';
import { Tensor, type Shape } from './tensor';

type Draft = {
  -readonly [K in keyof GraphNode]: GraphNode[K];
};

/** Returns the graph with every `sigmoid` and `affine` node replaced by primitives (a new graph). */
export function expandComposites(graph: Graph): Graph {
  const hasComposite = graph.nodes.some((n) => n.op === 'sigmoid' || n.op === 'affine');
  if (!hasComposite) return graph;

  const used = new Set(graph.nodes.map((n) => n.label));
  const uniqueLabel = (base: string): string => {
    let label = base;
    for (let k = 2; used.has(label); k++) label = `${base}${k}`;
    used.add(label);
    return label;
  };

  const nodes: GraphNode[] = [];
  /** Old id → id of the node that carries its value in the new graph. */
  const map: number[] = [];
  const push = (draft: Omit<Draft, 'id'>): number => {
    const id = nodes.length;
    const node: Draft = { ...draft, id };
    // Keep optional fields absent rather than undefined, so expanded and fused nodes compare alike.
    for (const key of Object.keys(node) as (keyof Draft)[]) if (node[key] === undefined) delete node[key];
    nodes.push(node);
    return id;
  };
  const shapeOf = (op: OpKind, inputs: number[]): Shape => {
    const r = inferShape(op, inputs.map((i) => nodes[i].shape));
    if ('error' in r) throw new Error(r.error);
    return r.shape;
  };

  for (const node of graph.nodes) {
    const inputs = node.inputs.map((i) => map[i]);
    if (node.op === 'sigmoid') {
      const base = node.label;
      const common = { range: node.range, expandedFrom: node.id };
      const minusOne = push({ op: 'leaf', inputs: [], label: uniqueLabel(`${base}.minus1`), shape: [], value: Tensor.scalar(-1), constant: true, ...common });
      const negX = push({ op: 'mul', inputs: [inputs[0], minusOne], label: uniqueLabel(`${base}.mul`), shape: shapeOf('mul', [inputs[0], minusOne]), ...common });
      const e = push({ op: 'exp', inputs: [negX], label: uniqueLabel(`${base}.exp`), shape: shapeOf('exp', [negX]), ...common });
      const one = push({ op: 'leaf', inputs: [], label: uniqueLabel(`${base}.one`), shape: [], value: Tensor.scalar(1), constant: true, ...common });
      const plus = push({ op: 'add', inputs: [e, one], label: uniqueLabel(`${base}.add`), shape: shapeOf('add', [e, one]), ...common });
      map[node.id] = push({ op: 'recip', inputs: [plus], name: node.name, label: node.label, shape: shapeOf('recip', [plus]), ...common });
    } else if (node.op === 'affine') {
      const base = node.label;
      const common = { range: node.range, expandedFrom: node.id };
      const dot = push({ op: 'matmul', inputs: [inputs[0], inputs[1]], label: uniqueLabel(`${base}.dot`), shape: shapeOf('matmul', [inputs[0], inputs[1]]), ...common });
      map[node.id] = push({ op: 'add', inputs: [dot, inputs[2]], name: node.name, label: node.label, shape: shapeOf('add', [dot, inputs[2]]), ...common });
    } else {
      map[node.id] = push({ ...node, inputs });
    }
  }
  return { nodes, output: map[graph.output] };
}

/**
 * For a graph and its expansion: old node id → new node id carrying the same value
 * (the last primitive for a composite). Labels are kept, so matching by label is enough.
 */
export function expandedIdMap(fused: Graph, expanded: Graph): number[] {
  const byLabel = new Map(expanded.nodes.map((n) => [n.label, n.id]));
  return fused.nodes.map((n) => byLabel.get(n.label) ?? -1);
}
