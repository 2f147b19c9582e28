/**
 * The stepper: forward and backward passes one node at a time, replayable like Python Tutor.
 *
 * Steps 0 … F−1 run the forward() of the op nodes in topological order (leaves have their value
 * from the start and are not steps). Steps F … 2F−1 run their backward() in reverse topological
 * order, starting at the output with ones. A value used in several places receives the sum of its
 * consumers' gradients before its own backward step runs.
 *
 * Each step is computed the first time the cursor passes it and recorded once; moving the cursor
 * afterwards only changes what is visible. Records hold references to tensors that are never
 * mutated, so memory is O(nodes): one output, one incoming gradient and one gradient per input
 * for each node.
 */
import type { Graph, GraphNode } from './graph';
import { createLayer as defaultCreateLayer, type Layer } from './layers';
import type { NonFiniteReport } from './nonFinite';
import * as ops from './ops';
import { Tensor, sameShape, shapeToString } from './tensor';

export type StepPhase = 'forward' | 'backward';
export type Phase = StepPhase | 'done';

export interface ForwardRecord {
  readonly phase: 'forward';
  /** Step index, 0-based. */
  readonly index: number;
  readonly nodeId: number;
  /** The input values, in argument order. */
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
}

export interface BackwardRecord {
  readonly phase: 'backward';
  readonly index: number;
  readonly nodeId: number;
  /** The node's forward inputs and output (what its local rule uses). */
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /**
   * The incoming gradient: the sum of every consumer's contribution (ones at the output), or
   * null when nothing downstream depends on the node (it is not on a path to the output).
   */
  readonly dout: Tensor | null;
  /** One gradient per input; null = that input gets none (a one-hot label, or dout is null). */
  readonly grads: readonly (Tensor | null)[];
}

export type StepRecord = ForwardRecord | BackwardRecord;

export interface NodeChange {
  id: number;
  /** Present when the visible value changed: the new value, or null when it vanished. */
  value?: Tensor | null;
  /** Present when the visible gradient changed: the new gradient, or null when it vanished. */
  grad?: Tensor | null;
}

export interface EdgeChange {
  /** The consuming node. */
  to: number;
  /** Argument position at the consumer. */
  index: number;
  grad: Tensor | null;
}

export interface StepDelta {
  nodes: NodeChange[];
  edges: EdgeChange[];
}

export interface StepperOptions {
  /**
   * Makes the layer of an op node; tests wrap it to count calls, and a traced script replays its
   * recorded numbers through it (src/trace/replay.ts).
   */
  createLayer?: (node: GraphNode) => Layer;
  /**
   * The op node ids in the order their backward steps run (default: reverse topological order,
   * the reverse of the forward steps). Every node's consumers must come before it, so each node
   * has its full incoming gradient when its step runs; a traced script gives the order it ran.
   */
  backwardOrder?: readonly number[];
}

/**
 * A step's layer threw. The stepper's state is as it was before the call.
 * `message` reads "forward step 3 (price): …"; `detail` is the layer's own message alone.
 */
export class StepError extends Error {
  constructor(
    message: string,
    readonly nodeId: number,
    readonly step: number,
    readonly phase: StepPhase,
    readonly detail: string,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

interface Contribution {
  /** The backward step that produced it. */
  step: number;
  grad: Tensor;
}

export class Stepper {
  readonly graph: Graph;
  /** Op node ids in forward order. */
  readonly forwardOrder: readonly number[];
  /** Op node ids in backward order. */
  readonly backwardOrder: readonly number[];
  readonly forwardSteps: number;
  readonly totalSteps: number;

  private cursorValue = 0;
  /** Steps 0 … computed−1 have been run and recorded. */
  private computed = 0;
  private readonly records: StepRecord[] = [];
  private readonly layers = new Map<number, Layer>();
  private readonly values: (Tensor | undefined)[];
  /** Full gradient sums of leaves with several consumers, kept once complete (one per leaf). */
  private readonly leafGrads = new Map<number, Tensor>();
  /** Per node: consumers as (consumer id, argument index), in the order their backward steps run. */
  private readonly consumers: { consumer: number; index: number }[][];
  /** Per node: the ids of its consumers, each once, in graph order (see consumersOf). */
  private readonly consumerIds: number[][];
  /** Forward step of each node (−1 for leaves). */
  private readonly fwdStep: Int32Array;
  /** Backward step of each node (−1 for leaves). */
  private readonly bwdStep: Int32Array;
  private readonly createLayer: (node: GraphNode) => Layer;
  /** Where NaN/±Infinity first appeared, for the steps computed so far (inputs first). */
  private readonly nonFiniteReports: NonFiniteReport[] = [];

  constructor(graph: Graph, options: StepperOptions = {}) {
    validateGraph(graph);
    this.graph = graph;
    this.createLayer = options.createLayer ?? defaultCreateLayer;
    const n = graph.nodes.length;
    this.fwdStep = new Int32Array(n).fill(-1);
    const order: number[] = [];
    this.consumers = graph.nodes.map(() => []);
    this.values = graph.nodes.map((node) => (node.op === 'leaf' ? node.value : undefined));
    for (const node of graph.nodes) {
      if (node.op !== 'leaf') {
        this.fwdStep[node.id] = order.length;
        order.push(node.id);
      }
      node.inputs.forEach((input, index) => this.consumers[input].push({ consumer: node.id, index }));
    }
    this.consumerIds = this.consumers.map((uses) => [...new Set(uses.map((u) => u.consumer))]);
    this.forwardOrder = order;
    this.forwardSteps = order.length;
    this.totalSteps = 2 * order.length;
    this.backwardOrder = options.backwardOrder ? [...options.backwardOrder] : [...order].reverse();
    this.bwdStep = new Int32Array(n).fill(-1);
    this.backwardOrder.forEach((id, k) => {
      if (!Number.isInteger(id) || id < 0 || id >= n || graph.nodes[id].op === 'leaf' || this.bwdStep[id] >= 0) {
        throw new Error(`backward order: ${id} is not an op node or comes twice`);
      }
      this.bwdStep[id] = this.forwardSteps + k;
    });
    if (this.backwardOrder.length !== order.length) throw new Error(`backward order has ${this.backwardOrder.length} nodes, the graph ${order.length} op nodes`);
    for (const list of this.consumers) list.sort((a, b) => this.bwdStep[a.consumer] - this.bwdStep[b.consumer]);
    for (const node of graph.nodes) {
      for (const { consumer } of this.consumers[node.id]) {
        if (node.op !== 'leaf' && this.bwdStep[consumer] > this.bwdStep[node.id]) {
          throw new Error(`backward order: ${graph.nodes[consumer].label} uses ${node.label}, so its backward step must come first`);
        }
      }
    }
    for (const node of graph.nodes) {
      const value = node.op === 'leaf' ? node.value : undefined;
      const index = value ? ops.firstNonFinite(value) : -1;
      if (value && index >= 0) {
        this.nonFiniteReports.push({ nodeId: node.id, phase: 'input', step: -1, index, value: value.data[index], cause: 'the input value is not a finite number' });
      }
    }
  }

  /**
   * Where a NaN or ±Infinity first appeared among the steps computed so far: every node whose
   * forward value, or a gradient it sent back, is not finite although all it read was finite (the
   * nodes that merely carry such a value on are not listed). In step order, inputs first.
   */
  nonFinite(): readonly NonFiniteReport[] {
    return this.nonFiniteReports;
  }

  /** `nonFinite()` of the whole pass: computes every step (the cursor stays where it is). */
  nonFiniteOfAllSteps(): readonly NonFiniteReport[] {
    this.computeUpTo(this.totalSteps);
    return this.nonFiniteReports;
  }

  get cursor(): number {
    return this.cursorValue;
  }

  get phase(): Phase {
    if (this.cursorValue < this.forwardSteps) return 'forward';
    if (this.cursorValue < this.totalSteps) return 'backward';
    return 'done';
  }

  /** How many steps have been computed so far (they are never computed twice). */
  get computedSteps(): number {
    return this.computed;
  }

  /** The node run by step `i`. */
  nodeOfStep(i: number): number {
    this.checkStep(i);
    return i < this.forwardSteps ? this.forwardOrder[i] : this.backwardOrder[i - this.forwardSteps];
  }

  /** The step that runs `nodeId` in the given phase, or −1 for a leaf. */
  stepOfNode(nodeId: number, phase: StepPhase): number {
    this.checkNode(nodeId);
    return phase === 'forward' ? this.fwdStep[nodeId] : this.bwdStep[nodeId];
  }

  /**
   * The nodes that use `nodeId` as an input, each once, in graph order (the table the backward
   * pass sums gradients over; the host's views and the arithmetic read it here).
   */
  consumersOf(nodeId: number): readonly number[] {
    this.checkNode(nodeId);
    return this.consumerIds[nodeId];
  }

  /** The node run by the step just before the cursor, or null at the start. */
  get currentNode(): number | null {
    return this.cursorValue === 0 ? null : this.nodeOfStep(this.cursorValue - 1);
  }

  /** Moves the cursor, computing any step not yet computed. Throws StepError (state unchanged). */
  goTo(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > this.totalSteps) {
      throw new RangeError(`step ${n} is outside 0…${this.totalSteps}`);
    }
    this.computeUpTo(n);
    this.cursorValue = n;
  }

  /** One step on; false at the end. */
  next(): boolean {
    if (this.cursorValue >= this.totalSteps) return false;
    this.goTo(this.cursorValue + 1);
    return true;
  }

  /** One step back; false at the start. */
  previous(): boolean {
    if (this.cursorValue <= 0) return false;
    this.goTo(this.cursorValue - 1);
    return true;
  }

  /** Completes the forward pass (no-op when already past it). */
  runForward(): void {
    if (this.cursorValue < this.forwardSteps) this.goTo(this.forwardSteps);
  }

  /** Runs to the end of the backward pass. */
  runBackward(): void {
    this.goTo(this.totalSteps);
  }

  /** Back to the start. Recorded steps are kept, so stepping again recomputes nothing. */
  reset(): void {
    this.cursorValue = 0;
  }

  /** The record of step `i`, computing it (and the steps before it) if needed. */
  record(i: number): StepRecord {
    this.checkStep(i);
    this.computeUpTo(i + 1);
    return this.records[i];
  }

  /** The value visible at the cursor: leaves always; op nodes once their forward step is passed. */
  valueAt(nodeId: number): Tensor | undefined {
    this.checkNode(nodeId);
    const f = this.fwdStep[nodeId];
    if (f < 0) return this.values[nodeId];
    return f < this.cursorValue ? this.values[nodeId] : undefined;
  }

  /** The gradient accumulated at the node at the cursor (partial while consumers are pending). */
  gradAt(nodeId: number): Tensor | undefined {
    this.checkNode(nodeId);
    return this.gradBefore(nodeId, this.cursorValue);
  }

  /** The gradient sent along an edge, once the consumer's backward step is passed. */
  edgeGradAt(consumerId: number, argIndex: number): Tensor | undefined {
    this.checkNode(consumerId);
    const s = this.stepOfNode(consumerId, 'backward');
    if (s < 0 || s >= this.cursorValue) return undefined;
    const r = this.records[s];
    if (r.phase !== 'backward') return undefined;
    return r.grads[argIndex] ?? undefined;
  }

  /**
   * What becomes visible or vanishes when the cursor moves from `from` to `to` (both already
   * computed or computable): new values, gradients and edge gradients at `to`, null for the ones
   * that vanished. Only nodes and edges touched by the steps in between are listed.
   */
  delta(from: number, to: number): StepDelta {
    for (const c of [from, to]) {
      if (!Number.isInteger(c) || c < 0 || c > this.totalSteps) throw new RangeError(`step ${c} is outside 0…${this.totalSteps}`);
    }
    this.computeUpTo(Math.max(from, to));
    const lo = Math.min(from, to);
    const hi = Math.max(from, to);
    // First collect what the steps in between touch, then read each of them once at `to`.
    const valueIds = new Set<number>();
    const gradIds = new Set<number>();
    const edgeKeys: [number, number][] = [];
    for (let s = lo; s < hi; s++) {
      const id = this.nodeOfStep(s);
      if (s < this.forwardSteps) {
        valueIds.add(id);
        continue;
      }
      const inputs = this.graph.nodes[id].inputs;
      if (id === this.graph.output) gradIds.add(id);
      inputs.forEach((input, index) => {
        gradIds.add(input);
        edgeKeys.push([id, index]);
      });
    }
    const nodes = new Map<number, NodeChange>();
    const edges: EdgeChange[] = [];
    const saved = this.cursorValue;
    this.cursorValue = to;
    try {
      for (const id of valueIds) nodes.set(id, { id, value: this.valueAt(id) ?? null });
      for (const id of gradIds) {
        const change = nodes.get(id) ?? { id };
        change.grad = this.gradAt(id) ?? null;
        nodes.set(id, change);
      }
      for (const [id, index] of edgeKeys) edges.push({ to: id, index, grad: this.edgeGradAt(id, index) ?? null });
    } finally {
      this.cursorValue = saved;
    }
    return { nodes: [...nodes.values()].sort((a, b) => a.id - b.id), edges };
  }

  /** Visible values of every node at the cursor (leaves always). */
  visibleValues(): Map<number, Tensor> {
    const out = new Map<number, Tensor>();
    for (const node of this.graph.nodes) {
      const v = this.valueAt(node.id);
      if (v) out.set(node.id, v);
    }
    return out;
  }

  /** Gradients of every node that has one at the cursor. */
  visibleGrads(): Map<number, Tensor> {
    const out = new Map<number, Tensor>();
    for (const node of this.graph.nodes) {
      const g = this.gradAt(node.id);
      if (g) out.set(node.id, g);
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------

  private checkStep(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.totalSteps) {
      throw new RangeError(`step ${i} is outside 0…${this.totalSteps - 1}`);
    }
  }

  private checkNode(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.graph.nodes.length) {
      throw new RangeError(`node ${id} does not exist`);
    }
  }

  /** Gradient contributions to a node from backward steps before `cursor`, in step order. */
  private contributions(nodeId: number, cursor: number): Contribution[] {
    const out: Contribution[] = [];
    if (cursor <= this.forwardSteps) return out;
    // Consumers are kept in the order their backward steps run.
    for (const { consumer, index } of this.consumers[nodeId]) {
      const s = this.bwdStep[consumer];
      if (s >= cursor) break;
      const r = this.records[s];
      if (r?.phase === 'backward') {
        const g = r.grads[index];
        if (g) out.push({ step: s, grad: g });
      }
    }
    if (nodeId === this.graph.output) {
      const s = this.stepOfNode(nodeId, 'backward');
      // The output is seeded with ones when its own backward step runs, after all its consumers.
      if (s >= 0 && s < cursor) out.push({ step: s, grad: ops.map(this.valueOrThrow(nodeId), () => 1) });
    }
    return out;
  }

  private gradBefore(nodeId: number, cursor: number): Tensor | undefined {
    // After a node's own backward step, its dout already is the full sum: reuse it.
    const own = this.stepOfNode(nodeId, 'backward');
    if (own >= 0 && own < cursor) {
      const r = this.records[own];
      if (r.phase === 'backward') return r.dout ?? undefined;
    }
    // A leaf's sum is complete once its last consumer to run backward has run: keep it.
    const cons = this.consumers[nodeId];
    const complete = own < 0 && cons.length > 1 && this.bwdStep[cons[cons.length - 1].consumer] < cursor;
    if (complete) {
      const cached = this.leafGrads.get(nodeId);
      if (cached) return cached;
    }
    const sum = sumContributions(this.contributions(nodeId, cursor));
    if (complete && sum) this.leafGrads.set(nodeId, sum);
    return sum;
  }

  private valueOrThrow(nodeId: number): Tensor {
    const v = this.values[nodeId];
    if (!v) throw new Error(`node ${nodeId} has no value yet`);
    return v;
  }

  private layerOf(node: GraphNode): Layer {
    let layer = this.layers.get(node.id);
    if (!layer) {
      layer = this.createLayer(node);
      this.layers.set(node.id, layer);
    }
    return layer;
  }

  private computeUpTo(n: number): void {
    while (this.computed < n) {
      const s = this.computed;
      const id = this.nodeOfStep(s);
      const node = this.graph.nodes[id];
      let rec: StepRecord;
      try {
        rec = s < this.forwardSteps ? this.runForwardStep(s, node) : this.runBackwardStep(s, node);
      } catch (e) {
        if (s < this.forwardSteps) this.values[id] = undefined;
        const msg = e instanceof Error ? e.message : String(e);
        const phase: StepPhase = s < this.forwardSteps ? 'forward' : 'backward';
        throw new StepError(`${phase} step ${s + 1} (${node.label}): ${msg}`, id, s, phase, msg);
      }
      this.records.push(rec);
      this.computed = s + 1;
      this.noteNonFinite(rec, node);
    }
  }

  /** Records where a step's result first stops being finite (its inputs all finite), with the cause. */
  private noteNonFinite(rec: StepRecord, node: GraphNode): void {
    const finiteInputs = rec.inputs.every(ops.allFinite);
    if (!finiteInputs) return;
    const layer = this.layers.get(node.id);
    if (rec.phase === 'forward') {
      const index = ops.firstNonFinite(rec.output);
      if (index < 0) return;
      const value = rec.output.data[index];
      const cause = safeCause(() => layer?.forwardCause?.(rec.inputs, rec.output, index)) ?? genericCause(value);
      this.nonFiniteReports.push({ nodeId: node.id, phase: 'forward', step: rec.index, index, value, cause });
      return;
    }
    if (rec.dout === null || !ops.allFinite(rec.dout) || !ops.allFinite(rec.output)) return;
    const dout = rec.dout;
    rec.grads.forEach((g, arg) => {
      const index = g ? ops.firstNonFinite(g) : -1;
      if (!g || index < 0) return;
      const value = g.data[index];
      const cause = safeCause(() => layer?.backwardCause?.(dout, arg, g, index)) ?? `the gradient ${genericCause(value)}`;
      this.nonFiniteReports.push({ nodeId: node.id, phase: 'backward', step: rec.index, arg, index, value, cause });
    });
  }

  private runForwardStep(s: number, node: GraphNode): ForwardRecord {
    const inputs = node.inputs.map((i) => this.valueOrThrow(i));
    const output = this.layerOf(node).forward(inputs);
    if (!sameShape(output.shape, node.shape)) {
      throw new Error(`output shape ${shapeToString(output.shape)} differs from the expected ${shapeToString(node.shape)}`);
    }
    this.values[node.id] = output;
    return { phase: 'forward', index: s, nodeId: node.id, inputs, output };
  }

  private runBackwardStep(s: number, node: GraphNode): BackwardRecord {
    const output = this.valueOrThrow(node.id);
    const inputs = node.inputs.map((i) => this.valueOrThrow(i));
    // Every consumer ran before this step (reverse topological order), so this is the full sum.
    const dout = sumContributions(this.contributions(node.id, s + 1)) ?? null;
    if (dout === null) {
      return { phase: 'backward', index: s, nodeId: node.id, inputs, output, dout: null, grads: node.inputs.map(() => null) };
    }
    const grads = this.layerOf(node).backward(dout);
    if (grads.length !== node.inputs.length) {
      throw new Error(`backward returned ${grads.length} gradients for ${node.inputs.length} inputs`);
    }
    grads.forEach((g, k) => {
      const shape = this.graph.nodes[node.inputs[k]].shape;
      if (g && !sameShape(g.shape, shape)) {
        throw new Error(`gradient for input ${k + 1} has shape ${shapeToString(g.shape)}, expected ${shapeToString(shape)}`);
      }
    });
    return { phase: 'backward', index: s, nodeId: node.id, inputs, output, dout, grads };
  }
}

function genericCause(value: number): string {
  return Number.isNaN(value) ? 'not a number (NaN)' : 'overflowed the float64 range (about ±1.8e308)';
}

/** A layer's explanation, or undefined when it has none (an explanation never breaks a step). */
function safeCause(explain: () => string | undefined): string | undefined {
  try {
    return explain();
  } catch {
    return undefined;
  }
}

/** Sums contributions in order: first + second + … (the same order everywhere, so sums agree bit for bit). */
export function sumContributions(list: readonly { grad: Tensor }[]): Tensor | undefined {
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0].grad;
  let acc = list[0].grad;
  for (let k = 1; k < list.length; k++) acc = ops.zipSame(acc, list[k].grad, (a, b) => a + b);
  return acc;
}

/** Checks the invariants the stepper relies on; throws a clear error otherwise. */
export function validateGraph(graph: Graph): void {
  const n = graph.nodes.length;
  if (!Number.isInteger(graph.output) || graph.output < 0 || graph.output >= n) {
    throw new Error(`graph output ${graph.output} is not a node`);
  }
  graph.nodes.forEach((node, i) => {
    if (node.id !== i) throw new Error(`node at position ${i} has id ${node.id}`);
    for (const input of node.inputs) {
      if (!Number.isInteger(input) || input < 0 || input >= i) {
        throw new Error(`node ${node.label} uses input ${input}, which does not come before it`);
      }
    }
    if (node.op === 'leaf') {
      if (!node.value || !(node.value.data instanceof Float64Array)) throw new Error(`leaf ${node.label} has no value`);
      if (!sameShape(node.value.shape, node.shape)) {
        throw new Error(`leaf ${node.label} has a value of shape ${shapeToString(node.value.shape)} but is declared ${shapeToString(node.shape)}`);
      }
    }
  });
}
