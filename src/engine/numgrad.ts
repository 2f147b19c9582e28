/**
 * Whole-graph evaluation and the gradient check.
 *
 * `evaluate` is a forward-only evaluator that does not go through the stepper (no records), used
 * by the numerical gradient, which re-runs the forward pass twice per input element. `backprop`
 * runs the stepper to the end, so its numbers are exactly the ones the panel shows.
 *
 * The numerical gradient is the book's `numerical_gradient`: a central difference with
 * h = 1e-4 of the sum of the output's elements, for every element of every non-constant leaf.
 */
import type { Graph, GraphNode } from './graph';
import { createLayer, type Layer } from './layers';
import { sumAll } from './ops';
import type { NonFiniteReport } from './nonFinite';
import { createRng } from './random';
import { Stepper, validateGraph } from './stepper';
import { Tensor } from './tensor';

/** The book's h for the central difference. */
export const NUMERICAL_H = 1e-4;

/** Forward-only evaluation that reuses one layer per node and can re-run a leaf's descendants. */
class ForwardEvaluator {
  private readonly layers: (Layer | undefined)[];
  readonly values: Tensor[];

  constructor(private readonly graph: Graph) {
    validateGraph(graph);
    this.layers = graph.nodes.map((n) => (n.op === 'leaf' ? undefined : createLayer(n)));
    this.values = new Array<Tensor>(graph.nodes.length);
    for (const node of graph.nodes) this.values[node.id] = this.run(node, this.values);
  }

  private run(node: GraphNode, values: readonly Tensor[]): Tensor {
    if (node.op === 'leaf') {
      if (!node.value) throw new Error(`leaf ${node.label} has no value`);
      return node.value;
    }
    const layer = this.layers[node.id];
    if (!layer) throw new Error(`node ${node.label} has no layer`);
    return layer.forward(node.inputs.map((i) => values[i]));
  }

  /** What re-running after a change of leaf `leafId` involves. */
  plan(leafId: number): LeafPlan {
    return leafPlan(this.graph, leafId);
  }

  /**
   * Sum of the output when element `index` of leaf `plan.leafId` is `value.data[index]` (the rest
   * unchanged). Only the leaf's descendants are re-run; a matrix product that uses the leaf once
   * is updated by the rank-1 change instead of being recomputed, which makes the numerical
   * gradient of a weight matrix cost O(batch) per element instead of a whole product.
   */
  outputSumWith(plan: LeafPlan, value: Tensor, index: number, incremental: boolean): number {
    const output = this.graph.output;
    if (output === plan.leafId) return sumAll(value);
    if (!plan.reachesOutput) return sumAll(this.values[output]);
    const scratch = this.values.slice();
    scratch[plan.leafId] = value;
    const change = value.data[index] - this.values[plan.leafId].data[index];
    for (const id of plan.downstream) {
      const node = this.graph.nodes[id];
      // The rank-1 update holds only when the leaf is the one changed input of the product.
      const arg = node.inputs.indexOf(plan.leafId);
      const onlyChange = arg >= 0 && node.inputs.every((input, k) => k === arg || !plan.affected[input]);
      const updated = incremental && onlyChange ? productUpdate(node, this.values, arg, index, change) : undefined;
      scratch[id] = updated ?? this.run(node, scratch);
    }
    return sumAll(scratch[output]);
  }
}

/**
 * Arithmetic of one re-evaluation after changing one element of the plan's leaf: the descendants
 * it re-runs (a product updated by its rank-1 change costs one row or column, not the product).
 */
function evaluationCost(graph: Graph, plan: LeafPlan, incremental: boolean): number {
  const size = (id: number): number => graph.nodes[id].shape.reduce((a, b) => a * b, 1);
  let cost = 1;
  for (const id of plan.downstream) {
    const node = graph.nodes[id];
    const arg = node.inputs.indexOf(plan.leafId);
    const onlyChange = arg >= 0 && node.inputs.every((input, k) => k === arg || !plan.affected[input]);
    if (node.op === 'matmul' || node.op === 'affine') {
      const a = graph.nodes[node.inputs[0]].shape;
      const k = a[a.length - 1] ?? 1;
      const out = graph.nodes[node.id].shape;
      cost += incremental && onlyChange ? Math.max(out[0] ?? 1, out[1] ?? 1) + size(id) : size(id) * k;
    } else {
      cost += Math.max(size(id), ...node.inputs.map(size));
    }
  }
  return cost;
}

/** What re-running after a change of leaf `leafId` involves (from the graph alone). */
function leafPlan(graph: Graph, leafId: number): LeafPlan {
  const hit = new Uint8Array(graph.nodes.length);
  hit[leafId] = 1;
  const downstream: number[] = [];
  for (const node of graph.nodes) {
    if (node.id > leafId && node.inputs.some((i) => hit[i])) {
      hit[node.id] = 1;
      downstream.push(node.id);
    }
  }
  const output = graph.output;
  const end = downstream.indexOf(output);
  return { leafId, downstream: end < 0 ? [] : downstream.slice(0, end + 1), reachesOutput: output === leafId || end >= 0, affected: hit };
}

interface LeafPlan {
  leafId: number;
  /** Descendants of the leaf up to the output, in topological order. */
  downstream: number[];
  reachesOutput: boolean;
  /** 1 for the leaf and every node that depends on it. */
  affected: Uint8Array;
}

/**
 * The output of a `matmul` or `affine` node after adding `change` to element `index` of its input
 * `arg` (all other inputs as in `values`): its old output plus a rank-1 update. Undefined for
 * other ops.
 */
function productUpdate(node: GraphNode, values: readonly Tensor[], arg: number, index: number, change: number): Tensor | undefined {
  if (node.op !== 'matmul' && node.op !== 'affine') return undefined;
  const a = values[node.inputs[0]];
  const b = values[node.inputs[1]];
  // Promote like numpy: a vector on the left is one row, on the right one column.
  const n = a.rank === 2 ? a.shape[0] : 1;
  const k = a.shape[a.rank - 1];
  const m = b.rank === 2 ? b.shape[1] : 1;
  const base = values[node.id];
  if (base.size !== n * m) return undefined;
  const out = base.data.slice();
  if (arg === 0) {
    // a[r, p] changed: row r of the output moves by change · b[p, :].
    const r = Math.floor(index / k);
    const p = index % k;
    for (let c = 0; c < m; c++) out[r * m + c] += change * b.data[p * m + c];
  } else if (arg === 1) {
    // b[p, c] changed: column c of the output moves by change · a[:, p].
    const p = Math.floor(index / m);
    const c = index % m;
    for (let r = 0; r < n; r++) out[r * m + c] += change * a.data[r * k + p];
  } else {
    // affine's bias b[c] changed: column c moves by change.
    for (let r = 0; r < n; r++) out[r * m + index] += change;
  }
  return new Tensor(base.shape, out);
}

/** Every node's value (forward pass only). */
export function evaluate(graph: Graph): Tensor[] {
  return new ForwardEvaluator(graph).values;
}

export interface BackpropResult {
  /** Every node's value. */
  values: Tensor[];
  /** Every node's gradient of the output (ones at the output); undefined when it has none. */
  grads: (Tensor | undefined)[];
  /** Where NaN/±Infinity first appeared (see `Stepper.nonFinite`), in step order. */
  nonFinite: readonly NonFiniteReport[];
}

/** Forward and backward pass at once (through the stepper, so the numbers match the panel). */
export function backprop(graph: Graph): BackpropResult {
  const stepper = new Stepper(graph);
  stepper.runBackward();
  const values: Tensor[] = [];
  const grads: (Tensor | undefined)[] = [];
  for (const node of graph.nodes) {
    const v = stepper.valueAt(node.id);
    if (!v) throw new Error(`node ${node.label} has no value`);
    values.push(v);
    grads.push(stepper.gradAt(node.id));
  }
  // An output that is a leaf has no backward step; its gradient is still ones.
  if (graph.nodes[graph.output].op === 'leaf') {
    const out = values[graph.output];
    grads[graph.output] = Tensor.full(out.shape, 1);
  }
  return { values, grads, nonFinite: stepper.nonFinite() };
}

/**
 * Arithmetic a gradient check may spend on the numerical gradient (elements × 2 evaluations × the
 * cost of one evaluation): a few seconds, enough for the book's own check (784-50-10, batch 3,
 * about 160 million) to compare every element. A check that would cost more compares a seeded
 * random sample of each large leaf's elements instead, and says so.
 */
export const MAX_GRADCHECK_WORK = 200_000_000;

/** The sample of a leaf's elements a check compares (all of them when it is affordable). */
export interface LeafSample {
  leafId: number;
  /** Elements compared, ascending; undefined = every element. */
  indices?: Int32Array;
  /** Elements compared and the leaf's element count. */
  checked: number;
  total: number;
}

/**
 * Which elements of each checked leaf the numerical gradient evaluates, bounded by `budget`
 * before anything runs: leaves are served cheapest first, each taking at most an even share of
 * what is left; a leaf that does not fit is sampled (seeded, so the same file checks the same
 * elements every time), at least one element each.
 */
export function planGradientCheck(graph: Graph, options: { budget?: number; seed?: number; incremental?: boolean } = {}): LeafSample[] {
  const incremental = options.incremental ?? true;
  const leaves = checkedLeaves(graph).map((leaf) => {
    const total = leaf.value?.size ?? 0;
    const perElement = 2 * evaluationCost(graph, leafPlan(graph, leaf.id), incremental);
    return { leaf, total, perElement };
  });
  let remaining = options.budget ?? MAX_GRADCHECK_WORK;
  const order = leaves.map((_, i) => i).sort((a, b) => leaves[a].total * leaves[a].perElement - leaves[b].total * leaves[b].perElement);
  const out = new Array<LeafSample>(leaves.length);
  const rng = createRng(options.seed ?? 0);
  order.forEach((i, k) => {
    const { leaf, total, perElement } = leaves[i];
    const share = remaining / (order.length - k);
    const affordable = Math.max(Math.min(total, 1), Math.floor(share / perElement));
    if (affordable >= total) {
      out[i] = { leafId: leaf.id, checked: total, total };
      remaining -= total * perElement;
      return;
    }
    out[i] = { leafId: leaf.id, indices: sampleIndices(total, affordable, rng), checked: affordable, total };
    remaining -= affordable * perElement;
  });
  return out;
}

/** `k` distinct indices of 0 … n−1, ascending (Floyd's algorithm: O(k) memory). */
function sampleIndices(n: number, k: number, rng: { next(): number }): Int32Array {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(rng.next() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return Int32Array.from([...chosen].sort((a, b) => a - b));
}

export interface NumericalGradientOptions {
  /** Step for the central difference (default 1e-4, as in the book). */
  h?: number;
  /**
   * Called after each element with (elements done, elements in total); return false to stop.
   * Checked every element, so cancelling is prompt.
   */
  onProgress?: (done: number, total: number) => boolean | void;
  /**
   * Update matrix products by the rank-1 change of one element instead of recomputing them
   * (default true; false re-runs every descendant in full, as the book's code does).
   */
  incremental?: boolean;
  /**
   * Which elements to evaluate per leaf (from `planGradientCheck`); default: the plan for
   * MAX_GRADCHECK_WORK, so a huge leaf is sampled. Elements not evaluated are NaN.
   */
  samples?: readonly LeafSample[];
}

/** Leaves whose gradient is checked: every non-constant leaf. */
export function checkedLeaves(graph: Graph): GraphNode[] {
  return graph.nodes.filter((n) => n.op === 'leaf' && !n.constant);
}

/**
 * Numerical gradient of sum(output) for every non-constant leaf (map: leaf id → gradient),
 * or undefined when cancelled through `onProgress`.
 */
export function numericalGradients(graph: Graph, options: NumericalGradientOptions = {}): Map<number, Tensor> | undefined {
  const h = options.h ?? NUMERICAL_H;
  const incremental = options.incremental ?? true;
  const samples = options.samples ?? planGradientCheck(graph, { incremental });
  const evaluator = new ForwardEvaluator(graph);
  const leaves = checkedLeaves(graph);
  const sampleOf = new Map(samples.map((s) => [s.leafId, s]));
  const total = leaves.reduce((n, l) => n + (sampleOf.get(l.id)?.checked ?? l.value?.size ?? 0), 0);
  let done = 0;
  const out = new Map<number, Tensor>();
  for (const leaf of leaves) {
    const base = evaluator.values[leaf.id];
    const plan = evaluator.plan(leaf.id);
    // Perturb a private copy: the graph's own leaf value is shared with the stepper.
    const data = base.data.slice();
    const probe = new Tensor(base.shape, data);
    const indices = sampleOf.get(leaf.id)?.indices;
    const grad = new Float64Array(base.size);
    if (indices) grad.fill(NaN);
    const count = indices ? indices.length : data.length;
    for (let k = 0; k < count; k++) {
      const i = indices ? indices[k] : k;
      const x = data[i];
      data[i] = x + h;
      const fPlus = evaluator.outputSumWith(plan, probe, i, incremental);
      data[i] = x - h;
      const fMinus = evaluator.outputSumWith(plan, probe, i, incremental);
      data[i] = x;
      grad[i] = (fPlus - fMinus) / (2 * h);
      done++;
      if (options.onProgress && options.onProgress(done, total) === false) return undefined;
    }
    out.set(leaf.id, new Tensor(base.shape, grad));
  }
  return out;
}

export interface LeafCheck {
  id: number;
  label: string;
  /** Elements compared (all, or a seeded sample of a leaf too large to check in full) and in total. */
  checked: number;
  total: number;
  /** The compared elements when sampled (ascending); undefined when every element was compared. */
  sampledIndices?: Int32Array;
  /** Largest |backprop − numerical| over the leaf's elements. */
  maxAbsDiff: number;
  /** Mean |backprop − numerical|. */
  meanAbsDiff: number;
  backprop: Tensor;
  numerical: Tensor;
}

export interface GradientCheckResult {
  leaves: LeafCheck[];
  /** Milliseconds for the backprop forward + backward pass. */
  backpropMs: number;
  /** Milliseconds for the numerical gradient. */
  numericalMs: number;
  /** False when stopped through `onProgress` (then `leaves` is empty). */
  completed: boolean;
}

/** Compares backprop's gradients with the numerical gradient, per non-constant leaf. */
export function gradientCheck(graph: Graph, options: NumericalGradientOptions = {}): GradientCheckResult {
  const samples = options.samples ?? planGradientCheck(graph, { incremental: options.incremental });
  const sampleOf = new Map(samples.map((s) => [s.leafId, s]));
  const t0 = performance.now();
  const bp = backprop(graph);
  const t1 = performance.now();
  const numerical = numericalGradients(graph, { ...options, samples });
  const t2 = performance.now();
  if (!numerical) return { leaves: [], backpropMs: t1 - t0, numericalMs: t2 - t1, completed: false };
  const leaves: LeafCheck[] = [];
  for (const leaf of checkedLeaves(graph)) {
    const num = numerical.get(leaf.id);
    if (!num) continue;
    // A leaf nothing downstream depends on has gradient 0.
    const b = bp.grads[leaf.id] ?? Tensor.zeros(num.shape);
    let max = 0;
    let sum = 0;
    const indices = sampleOf.get(leaf.id)?.indices;
    const count = indices ? indices.length : num.size;
    for (let k = 0; k < count; k++) {
      const i = indices ? indices[k] : k;
      const d = Math.abs(b.data[i] - num.data[i]);
      // NaN must show up as a failure, not vanish in Math.max.
      max = Number.isNaN(d) || Number.isNaN(max) ? NaN : Math.max(max, d);
      sum += d;
    }
    const check: LeafCheck = { id: leaf.id, label: leaf.label, checked: count, total: num.size, maxAbsDiff: max, meanAbsDiff: count ? sum / count : 0, backprop: b, numerical: num };
    if (indices) check.sampledIndices = indices;
    leaves.push(check);
  }
  return { leaves, backpropMs: t1 - t0, numericalMs: t2 - t1, completed: true };
}
