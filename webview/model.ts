/**
 * What the panel knows: the graph the host sent and the values and gradients at the current step,
 * kept up to date from the host's deltas (`null` clears a value or gradient when stepping back).
 */
import type { EdgeDelta, GraphInfo, NodeDelta, NodeInfo, StepState, TensorData } from '../src/shared/protocol';

export interface EdgeRef {
  /** Producing node. */
  from: number;
  /** Consuming node. */
  to: number;
  /** Argument position at the consumer. */
  index: number;
}

export function edgeKey(to: number, index: number): string {
  return `${to}:${index}`;
}

/** What an update touched, so the view redraws only that. */
export interface Changes {
  nodes: Set<number>;
  edges: Set<string>;
}

export class PanelModel {
  graph: GraphInfo | undefined;
  state: StepState = { cursor: 0, totalSteps: 0, phase: 'forward', current: null };
  readonly values = new Map<number, TensorData>();
  readonly grads = new Map<number, TensorData>();
  readonly edgeGrads = new Map<string, TensorData>();
  /** Every edge, in (consumer, argument) order. */
  edges: EdgeRef[] = [];
  /** Node id → the edges that use its value. */
  readonly consumers = new Map<number, EdgeRef[]>();

  setGraph(graph: GraphInfo, state: StepState): void {
    this.graph = graph;
    this.state = state;
    this.values.clear();
    this.grads.clear();
    this.edgeGrads.clear();
    this.consumers.clear();
    this.edges = [];
    for (const node of graph.nodes) {
      node.inputs.forEach((from, index) => {
        const edge = { from, to: node.id, index };
        this.edges.push(edge);
        const list = this.consumers.get(from) ?? [];
        list.push(edge);
        this.consumers.set(from, list);
      });
    }
  }

  node(id: number): NodeInfo | undefined {
    const n = this.graph?.nodes[id];
    return n && n.id === id ? n : this.graph?.nodes.find((x) => x.id === id);
  }

  /** Applies the deltas of a `graph` or `update` message and says what changed. */
  apply(nodes: readonly NodeDelta[], edges: readonly EdgeDelta[]): Changes {
    const changes: Changes = { nodes: new Set(), edges: new Set() };
    for (const d of nodes) {
      if (!this.node(d.id)) continue;
      if (d.value !== undefined) {
        if (d.value === null) this.values.delete(d.id);
        else this.values.set(d.id, d.value);
        changes.nodes.add(d.id);
        // The value travels on every outgoing edge.
        for (const e of this.consumers.get(d.id) ?? []) changes.edges.add(edgeKey(e.to, e.index));
      }
      if (d.grad !== undefined) {
        if (d.grad === null) this.grads.delete(d.id);
        else this.grads.set(d.id, d.grad);
        changes.nodes.add(d.id);
      }
    }
    for (const d of edges) {
      const key = edgeKey(d.to, d.index);
      if (d.grad === null) this.edgeGrads.delete(key);
      else this.edgeGrads.set(key, d.grad);
      changes.edges.add(key);
    }
    return changes;
  }

  edgeValue(e: EdgeRef): TensorData | undefined {
    return this.values.get(e.from);
  }

  edgeGrad(e: EdgeRef): TensorData | undefined {
    return this.edgeGrads.get(edgeKey(e.to, e.index));
  }

  /** Steps done in each phase, for the "forward 3/4 · backward 0/4" label. */
  progress(): { forwardDone: number; forwardTotal: number; backwardDone: number; backwardTotal: number } {
    const forwardTotal = this.graph?.forwardSteps ?? 0;
    const total = this.state.totalSteps;
    const cursor = this.state.cursor;
    return {
      forwardDone: Math.min(cursor, forwardTotal),
      forwardTotal,
      backwardDone: Math.max(0, cursor - forwardTotal),
      backwardTotal: Math.max(0, total - forwardTotal),
    };
  }
}
