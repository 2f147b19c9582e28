/**
 * From a trace document to an engine `Graph`: what really ran in the student's script.
 *
 * Book-style layers: each recorded `forward` call is an op node (a known class → the engine's op,
 * anything else → `custom`), its inputs are the values it was given (edges by value identity: the
 * output of one forward passed into another is an edge), and every value no recorded forward
 * produced is a leaf (arguments, the layer's ndarray parameters such as Affine's W and b; the
 * labels t of SoftmaxWithLoss are a constant). The graph is the first forward/backward pass of
 * the script (forward calls, then the backward calls that follow them), pruned to what the
 * output depends on; each backward call is paired with the latest unpaired forward call of the
 * same layer object.
 *
 * micrograd-style values: the graph reachable from the value `.backward()` was called on.
 *
 * Nodes keep what the script computed (forward results, incoming dout, what backward returned)
 * in `TracedGraph.nodes`, so the stepper can replay the student's numbers and the check can
 * compare them with the engine.
 */
import type { Graph, GraphNode, OpKind, SourceRange } from '../engine/graph';
import { createLayer } from '../engine/layers';
import { Tensor, sameShape, shapeToString } from '../engine/tensor';
import { MAX_NODES, MAX_TOTAL_SIZE } from '../language/limits';
import type { BackwardEvent, CallSite, ForwardEvent, MicrogradTrace, TraceDocument, TraceLayer, TraceValue } from './document';

export class TraceBuildError extends Error {
  constructor(
    message: string,
    readonly site?: CallSite,
  ) {
    super(message);
    this.name = 'TraceBuildError';
  }
}

export interface RecordedCall extends CallSite {
  seq: number;
}

/** What the script did at one op node. */
export interface NodeTrace {
  source: 'layer' | 'micrograd';
  /** The layer's class (book style) or micrograd's op string. */
  className: string;
  /** The forward call (micrograd: where the value was made, or the backward() call). */
  forward: RecordedCall;
  /** The backward call; null when the script never called it for this forward. */
  backward: RecordedCall | null;
  /** The names the layer gave its inputs: forward's parameters, then parameter attributes (x, W, b). */
  inputNames: string[];
  /** How many of the inputs are forward's arguments (the rest are parameters, whose gradients are d<name>). */
  argCount: number;
  /** What forward returned. */
  output: Tensor;
  /** The dout the script passed to backward (null: none recorded). */
  dout: Tensor | null;
  /** Per input, what the script's backward gave it (null = nothing); null when backward never ran. */
  grads: (Tensor | null)[] | null;
  /** Per input, why its recorded gradient cannot be used (wrong shape, not returned), or null. */
  gradProblems: (string | null)[];
  /**
   * The tracer's numerical check (used for custom layers): ok (null = not checked, see reason), per
   * input the numerical gradient (NaN where not sampled) and the largest error.
   */
  numeric: { ok: boolean | null; reason: string | null; maxRelError: number; tolerance: number; grads: (Tensor | null)[]; errors: (number | null)[] } | null;
}

export interface TracedGraph {
  graph: Graph;
  /** Per node id: what the script did there (undefined for leaves). */
  nodes: readonly (NodeTrace | undefined)[];
  /** Op node ids in the order the script ran their backward; undefined = reverse of forward. */
  backwardOrder: number[] | undefined;
  source: 'layers' | 'micrograd';
  /** The script file. */
  script: string;
  /** Forward/backward passes the script ran (the graph is the first one). */
  passes: number;
  /** Things worth telling the student (a pass not shown, a backward never called, …). */
  warnings: string[];
  /** micrograd: each leaf's `.grad` after backward() (node id → gradient), the script's own numbers. */
  leafGrads?: Map<number, Tensor>;
}

/** The book's layer classes → engine ops, by the class name without case and a trailing "layer". */
const KNOWN_CLASSES: Record<string, { op: OpKind; args: number; params?: readonly string[] }> = {
  mul: { op: 'mul', args: 2 },
  add: { op: 'add', args: 2 },
  relu: { op: 'relu', args: 1 },
  sigmoid: { op: 'sigmoid', args: 1 },
  affine: { op: 'affine', args: 1, params: ['W', 'b'] },
  softmaxwithloss: { op: 'softmax_with_loss', args: 2 },
};

/** micrograd's op strings → engine ops (`**k` is pow with exponent k). */
const MICROGRAD_OPS: Record<string, OpKind> = { '+': 'add', '*': 'mul', ReLU: 'relu', relu: 'relu', tanh: 'tanh', exp: 'exp' };

/** The engine op for a layer class, or undefined (a custom layer). */
export function knownLayerOp(className: string, argCount: number, paramNames: readonly string[]): { op: OpKind; params: string[] } | undefined {
  const key = className.toLowerCase().replace(/_?layer$/, '');
  const k = KNOWN_CLASSES[key];
  if (!k || k.args !== argCount) return undefined;
  const params: string[] = [];
  for (const want of k.params ?? []) {
    const found = paramNames.find((p) => p === want) ?? paramNames.find((p) => p.toLowerCase() === want.toLowerCase());
    if (!found) return undefined;
    params.push(found);
  }
  return { op: k.op, params };
}

/** The engine op for a micrograd op string ('' is a leaf), with pow's exponent. */
export function microgradOp(op: string): { op: OpKind; exponent?: number } {
  if (op === '') return { op: 'leaf' };
  const pow = /^\*\*\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/.exec(op);
  if (pow) return { op: 'pow', exponent: Number(pow[1]) };
  return { op: MICROGRAD_OPS[op] ?? 'custom' };
}

const LABEL_PREFIX: Partial<Record<OpKind, string>> = { leaf: 'const', softmax_with_loss: 'loss' };

/** Unique labels: a name as given, a second use of it `name#2`, unnamed ones `mul1`, `const2`. */
class Labels {
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();
  named(base: string): string {
    let label = base;
    for (let k = 2; this.used.has(label); k++) label = `${base}#${k}`;
    this.used.add(label);
    return label;
  }
  generated(prefix: string): string {
    let k = this.counters.get(prefix) ?? 0;
    let label: string;
    do label = `${prefix}${++k}`;
    while (this.used.has(label));
    this.counters.set(prefix, k);
    this.used.add(label);
    return label;
  }
  reserve(names: Iterable<string>): void {
    for (const n of names) this.used.add(n);
  }
}

function rangeAt(site: CallSite): SourceRange {
  return { start: { line: site.line, column: site.column }, end: { line: site.line, column: site.column + 1 } };
}

function tensorOf(v: TraceValue, what: string, site?: CallSite): Tensor {
  if (v.shape.length > 2) {
    throw new TraceBuildError(`${what} has shape ${shapeToString(v.shape)}: the stepper handles scalars, vectors and matrices only (reshape it to 2-D)`, site);
  }
  if (!v.data) {
    throw new TraceBuildError(`${what} (shape ${shapeToString(v.shape)}) was summarised by the tracer (over its element cap), so its numbers are not in the trace; use smaller arrays or raise --max-elements`, site);
  }
  return new Tensor(v.shape, v.data);
}

interface DraftNode {
  op: OpKind;
  inputs: number[];
  /** Name from the script, when it has one. */
  name?: string;
  /** Label to use when unnamed (a layer's name, `Affine1.W`), else generated. */
  fallback?: string;
  shape: readonly number[];
  value?: Tensor;
  constant?: boolean;
  exponent?: number;
  className?: string;
  range: SourceRange;
  trace?: NodeTrace;
}

/** Turns drafts (in topological order) into graph nodes with unique labels. */
function finish(drafts: DraftNode[], keep: boolean[], output: number): { graph: Graph; nodes: (NodeTrace | undefined)[]; idMap: number[] } {
  const idMap: number[] = new Array<number>(drafts.length).fill(-1);
  const labels = new Labels();
  const nodes: GraphNode[] = [];
  const traces: (NodeTrace | undefined)[] = [];
  let total = 0;
  drafts.forEach((d, i) => {
    if (!keep[i]) return;
    const id = nodes.length;
    idMap[i] = id;
    const base = d.op === 'leaf' ? (d.name ?? d.fallback) : (d.fallback ?? d.name);
    const label = base !== undefined ? labels.named(base) : labels.generated(LABEL_PREFIX[d.op] ?? d.op);
    const node: { -readonly [K in keyof GraphNode]: GraphNode[K] } = { id, op: d.op, inputs: d.inputs.map((x) => idMap[x]), label, shape: [...d.shape], range: d.range };
    if (d.name !== undefined) node.name = d.name;
    if (d.value) node.value = d.value;
    if (d.constant) node.constant = true;
    if (d.exponent !== undefined) node.exponent = d.exponent;
    if (d.className !== undefined) node.className = d.className;
    total += d.shape.reduce((n, s) => n * s, 1);
    nodes.push(node);
    traces.push(d.trace);
  });
  if (nodes.length > MAX_NODES) throw new TraceBuildError(`the traced graph has ${nodes.length} nodes, more than the limit of ${MAX_NODES}`);
  if (total > MAX_TOTAL_SIZE) throw new TraceBuildError(`the traced values add up to ${total} numbers, more than the limit of ${MAX_TOTAL_SIZE}`);
  return { graph: { nodes, output: idMap[output] }, nodes: traces, idMap };
}

/** Marks the drafts the output depends on. */
function ancestors(drafts: DraftNode[], output: number): boolean[] {
  const keep = new Array<boolean>(drafts.length).fill(false);
  keep[output] = true;
  for (let i = output; i >= 0; i--) if (keep[i]) for (const x of drafts[i].inputs) keep[x] = true;
  return keep;
}

// ---------------------------------------------------------------------------------------------
// Book-style layers

interface Pass {
  forwards: ForwardEvent[];
  backwards: BackwardEvent[];
}

/**
 * Splits events into passes: forward calls, then the backward calls that follow them. A call that
 * other recorded calls ran inside (a net whose forward calls its layers) is left out: its layers
 * are the graph.
 */
function passesOf(doc: TraceDocument): Pass[] {
  const passes: Pass[] = [];
  let cur: Pass = { forwards: [], backwards: [] };
  const outer = new Set<number>();
  for (const e of doc.events) if (e.parent !== null) outer.add(e.parent);
  for (const e of doc.events) {
    if (outer.has(e.seq)) continue;
    if (e.kind === 'forward') {
      if (cur.backwards.length > 0) {
        passes.push(cur);
        cur = { forwards: [], backwards: [] };
      }
      cur.forwards.push(e);
    } else cur.backwards.push(e);
  }
  if (cur.forwards.length > 0 || cur.backwards.length > 0) passes.push(cur);
  return passes;
}

function layerLabel(layer: TraceLayer): string {
  return layer.name ?? layer.className;
}

function buildFromLayers(doc: TraceDocument): TracedGraph {
  const passes = passesOf(doc);
  const warnings: string[] = [];
  const withBackward = passes.filter((p) => p.backwards.length > 0);
  const pass = withBackward[0] ?? passes[0];
  if (!pass || pass.forwards.length === 0) throw new TraceBuildError('backward was called, but no forward call was recorded before it');
  if (withBackward.length > 1) warnings.push(`the script ran ${withBackward.length} forward/backward passes; the stepper shows the first`);
  const value = (id: number): TraceValue => {
    const v = doc.values.get(id);
    if (!v) throw new TraceBuildError(`value ${id} is missing from the trace`);
    return v;
  };

  const drafts: DraftNode[] = [];
  /** Value id → the draft that holds it now (a forward returning its own input moves it on). */
  const holder = new Map<number, number>();
  /**
   * The node of a value given to a call: the one that holds it, else a new leaf. `kind` decides an
   * unnamed leaf's label and whether it is a constant: an argument literal (`layer.forward(x, 2)`)
   * is a generated `const1`, constant when it is a number, like a literal in .backprop; labels (t)
   * are a constant; a parameter is `Affine1.W`.
   */
  const leafFor = (valueId: number, site: CallSite, kind: { arg: true } | { label: true } | { param: string }): number => {
    const have = holder.get(valueId);
    if (have !== undefined) return have;
    const v = value(valueId);
    const fallback = 'param' in kind ? kind.param : 'label' in kind ? 't' : undefined;
    const t = tensorOf(v, v.name ?? fallback ?? 'an argument', site);
    const d: DraftNode = { op: 'leaf', inputs: [], shape: t.shape, value: t, range: rangeAt(site) };
    if (v.name !== null) d.name = v.name;
    else if (fallback !== undefined) d.fallback = fallback;
    if ('label' in kind || ('arg' in kind && v.name === null && v.shape.length === 0)) d.constant = true;
    drafts.push(d);
    holder.set(valueId, drafts.length - 1);
    return drafts.length - 1;
  };

  /** Per layer object: its forward drafts not yet paired with a backward call (latest last). */
  const open = new Map<number, number[]>();
  for (const f of pass.forwards) {
    const layer = doc.layers.get(f.layer);
    if (!layer) throw new TraceBuildError(`layer ${f.layer} is missing from the trace`, f);
    const lname = layerLabel(layer);
    if (f.result.length === 0 || f.result[0] < 0) {
      warnings.push(`${lname}.forward at line ${f.line} returned no number or array; it is not shown`);
      continue;
    }
    const argOrder = layer.forwardParams.length > 0 ? layer.forwardParams.filter((p) => f.args.some(([k]) => k === p)) : f.args.map(([k]) => k);
    for (const [k] of f.args) if (!argOrder.includes(k)) argOrder.push(k);
    const argIds = argOrder.map((k) => f.args.find(([a]) => a === k)?.[1] as number);
    const params = f.params.length > 0 ? f.params : layer.params;
    const known = knownLayerOp(layer.className, argIds.length, params.map(([k]) => k));
    const paramNames = known ? known.params : params.map(([k]) => k);
    const paramIds = paramNames.map((k) => params.find(([p]) => p === k)?.[1] as number);
    const op: OpKind = known?.op ?? 'custom';
    const inputs = [
      ...argIds.map((id, k) => {
        const isLabel = op === 'softmax_with_loss' && k === 1;
        return leafFor(id, f, isLabel ? { label: true } : { arg: true });
      }),
      ...paramIds.map((id, k) => leafFor(id, f, { param: `${lname}.${paramNames[k]}` })),
    ];
    if (f.tuple && f.result.length !== 1) {
      warnings.push(`${lname}.forward returned ${f.result.length} values; the stepper follows the first`);
    }
    const out = value(f.result[0]);
    const output = tensorOf(out, `what ${lname}.forward returned`, f);
    const d: DraftNode = {
      op,
      inputs,
      shape: output.shape,
      fallback: lname,
      range: rangeAt(f),
      trace: {
        source: 'layer',
        className: layer.className,
        forward: { file: f.file, line: f.line, column: f.column, seq: f.seq },
        backward: null,
        inputNames: [...argOrder, ...paramNames],
        argCount: argIds.length,
        output,
        dout: null,
        grads: null,
        gradProblems: inputs.map(() => null),
        numeric: null,
      },
    };
    if (out.name !== null) d.name = out.name;
    if (op === 'custom') d.className = layer.className;
    drafts.push(d);
    holder.set(f.result[0], drafts.length - 1);
    const list = open.get(f.layer) ?? [];
    list.push(drafts.length - 1);
    open.set(f.layer, list);
  }

  // Pair each backward call with the latest open forward call of the same layer object.
  const backwardDrafts: number[] = [];
  for (const b of pass.backwards) {
    const list = open.get(b.layer);
    const at = list?.pop();
    const layer = doc.layers.get(b.layer);
    const lname = layer ? layerLabel(layer) : `layer ${b.layer}`;
    if (at === undefined) {
      warnings.push(`${lname}.backward at line ${b.line} has no forward call before it; it is not shown`);
      continue;
    }
    const d = drafts[at];
    const tr = d.trace as NodeTrace;
    tr.backward = { file: b.file, line: b.line, column: b.column, seq: b.seq };
    tr.dout = b.dout === null ? Tensor.full(tr.output.shape, 1) : tensorOf(value(b.dout), `the dout passed to ${lname}.backward`, b);
    const argCount = tr.argCount;
    const grads: (Tensor | null)[] = tr.inputNames.map(() => null);
    const problems: (string | null)[] = tr.inputNames.map(() => null);
    // What backward returned belongs to forward's arguments, in order; parameters' gradients are d<name>.
    for (let k = 0; k < tr.inputNames.length; k++) {
      const gradName = `d${tr.inputNames[k]}`;
      let id: number | undefined;
      if (k < argCount) id = b.result[k] !== undefined && b.result[k] >= 0 ? b.result[k] : undefined;
      else {
        // Keyed by the parameter's name (W → the value of dW); `dW` itself is accepted too.
        const param = tr.inputNames[k];
        id = b.paramGrads.find(([n]) => n === param || n === gradName)?.[1] ?? b.paramGrads.find(([n]) => n.toLowerCase() === param.toLowerCase())?.[1];
      }
      const inputShape = drafts[d.inputs[k]].shape;
      if (id === undefined) {
        if (d.op === 'softmax_with_loss' && k === 1) continue; // the labels get no gradient
        problems[k] = k < argCount ? `${lname}.backward returned ${b.result.length} value${b.result.length === 1 ? '' : 's'}, so nothing for ${tr.inputNames[k]}` : `${lname} has no ${gradName} after backward`;
        continue;
      }
      const v = value(id);
      if (v.shape.length > 2 || !v.data) {
        problems[k] = `${gradName} has shape ${shapeToString(v.shape)} and ${v.data ? 'a rank over 2' : 'no recorded numbers'}`;
        continue;
      }
      const g = new Tensor(v.shape, v.data);
      if (!sameShape(g.shape, inputShape)) {
        problems[k] = `${lname}.backward gave ${gradName} the shape ${shapeToString(g.shape)}, but ${tr.inputNames[k]} has shape ${shapeToString(inputShape)}`;
        continue;
      }
      grads[k] = g;
    }
    tr.grads = grads;
    tr.gradProblems = problems;
    if (b.numeric) {
      const ng = tr.inputNames.map((name) => {
        const id = b.numeric?.grads.find(([n]) => n === name || n === `d${name}`)?.[1];
        const v = id === undefined ? undefined : value(id);
        return v?.data && v.shape.length <= 2 ? new Tensor(v.shape, v.data) : null;
      });
      const errors = tr.inputNames.map((name) => b.numeric?.errors.find(([n]) => n === name || n === `d${name}`)?.[1] ?? null);
      tr.numeric = { ok: b.numeric.ok, reason: b.numeric.reason, maxRelError: b.numeric.maxRelError, tolerance: b.numeric.tolerance, grads: ng, errors };
    }
    backwardDrafts.push(at);
  }

  const output = backwardDrafts[0] ?? lastOp(drafts);
  const keep = ancestors(drafts, output);
  for (const [layerId, list] of open) {
    const layer = doc.layers.get(layerId);
    for (const at of list) {
      if (keep[at] && backwardDrafts.length > 0) warnings.push(`${layer ? layerLabel(layer) : 'a layer'}.backward was not called for its forward call at line ${drafts[at].range.start.line}`);
    }
  }
  const { graph, nodes, idMap } = finish(drafts, keep, output);
  return { graph, nodes, backwardOrder: backwardOrderOf(graph, backwardDrafts.map((d) => idMap[d]).filter((id) => id >= 0), warnings), source: 'layers', script: doc.script, passes: passes.length, warnings };
}

function lastOp(drafts: DraftNode[]): number {
  for (let i = drafts.length - 1; i >= 0; i--) if (drafts[i].op !== 'leaf') return i;
  throw new TraceBuildError('no forward call was recorded');
}

/**
 * The order the script ran backward, completed with the nodes it never ran backward for, when it
 * is one the stepper can replay (every node after its consumers); otherwise undefined (the
 * stepper's reverse order) with a warning.
 */
function backwardOrderOf(graph: Graph, ran: number[], warnings: string[]): number[] | undefined {
  const seen = new Set(ran);
  const rest = graph.nodes.filter((n) => n.op !== 'leaf' && !seen.has(n.id)).map((n) => n.id).reverse();
  const order = [...ran, ...rest];
  const step = new Map(order.map((id, k) => [id, k]));
  for (const n of graph.nodes) {
    for (const input of n.inputs) {
      const a = step.get(input);
      const b = step.get(n.id);
      if (a !== undefined && b !== undefined && a < b) {
        warnings.push(`${graph.nodes[input].label}.backward ran before ${n.label}.backward, which sends it its gradient; the stepper steps backward in reverse forward order`);
        return undefined;
      }
    }
  }
  const reverse = graph.nodes.filter((n) => n.op !== 'leaf').map((n) => n.id).reverse();
  return order.every((id, k) => id === reverse[k]) ? undefined : order;
}

// ---------------------------------------------------------------------------------------------
// micrograd

function buildFromMicrograd(doc: TraceDocument, mg: MicrogradTrace): TracedGraph {
  const drafts: DraftNode[] = [];
  const at = new Map<number, number>();
  const byId = new Map(mg.nodes.map((n) => [n.id, n]));
  const site = (line: number | null): CallSite => ({ file: mg.file, line: line ?? mg.line, column: 1 });
  for (const n of mg.nodes) {
    const { op, exponent } = microgradOp(n.op);
    const range = rangeAt(site(n.line));
    if (op === 'leaf' || n.prev.length === 0) {
      const d: DraftNode = { op: 'leaf', inputs: [], shape: [], value: Tensor.scalar(n.data), range };
      if (n.name !== null) d.name = n.name;
      else d.constant = true; // a number micrograd wrapped (the 2 in a * 2), like a literal in .backprop
      drafts.push(d);
      at.set(n.id, drafts.length - 1);
      continue;
    }
    // micrograd keeps _prev as a set: a * a has one child, used twice.
    const prev = (op === 'add' || op === 'mul') && n.prev.length === 1 ? [n.prev[0], n.prev[0]] : n.prev;
    const d: DraftNode = {
      op,
      inputs: prev.map((p) => at.get(p) as number),
      shape: [],
      range,
      trace: {
        source: 'micrograd',
        className: n.op,
        forward: { ...site(n.line), seq: mg.seq },
        backward: { file: mg.file, line: mg.line, column: mg.column, seq: mg.seq },
        inputNames: prev.map((p) => byId.get(p)?.name ?? `value ${p}`),
        argCount: prev.length,
        output: Tensor.scalar(n.data),
        dout: Tensor.scalar(n.grad),
        // micrograd adds into each child's .grad, so what one node sent one child is not recorded
        // (see microgradEdgeGrads).
        grads: null,
        gradProblems: prev.map(() => null),
        numeric: null,
      },
    };
    if (n.name !== null) d.name = n.name;
    if (exponent !== undefined) d.exponent = exponent;
    if (op === 'custom') d.className = n.op;
    drafts.push(d);
    at.set(n.id, drafts.length - 1);
  }
  const output = at.get(mg.root) as number;
  if (drafts[output].op === 'leaf') throw new TraceBuildError('backward() was called on a value that no operation made: there is nothing to step through', mg);
  const { graph, nodes, idMap } = finish(drafts, ancestors(drafts, output), output);
  const recorded = new Map<number, Tensor>();
  mg.nodes.forEach((n) => {
    const id = idMap[at.get(n.id) as number];
    if (id >= 0) recorded.set(id, Tensor.scalar(n.grad));
  });
  microgradEdgeGrads(graph, nodes, recorded);
  const leafGrads = new Map([...recorded].filter(([id]) => graph.nodes[id].op === 'leaf'));
  const warnings = doc.micrograd.length > 1 ? [`backward() was called ${doc.micrograd.length} times; the stepper shows the first`] : [];
  return { graph, nodes, backwardOrder: undefined, source: 'micrograd', script: doc.script, passes: doc.micrograd.length, warnings, leafGrads };
}

/**
 * What each micrograd node sent each child. Only every node's final .grad is recorded; a child
 * with one consumer got exactly its own .grad from it. A child used in several places got a share
 * that is not recorded: the engine's rule applied to the consumer's recorded grad stands in (the
 * check compares the child's .grad with the sum of those, so a wrong rule still shows).
 */
function microgradEdgeGrads(graph: Graph, nodes: readonly (NodeTrace | undefined)[], recorded: Map<number, Tensor>): void {
  const uses = new Array<number>(graph.nodes.length).fill(0);
  for (const n of graph.nodes) for (const i of n.inputs) uses[i]++;
  for (const n of graph.nodes) {
    const tr = nodes[n.id];
    if (!tr || !tr.dout) continue;
    let reference: (Tensor | null)[] | undefined;
    if (n.op !== 'custom') {
      try {
        const layer = createLayer(n);
        layer.forward(n.inputs.map((i) => Tensor.scalar(graph.nodes[i].value?.item() ?? nodes[i]?.output.item() ?? NaN)));
        reference = layer.backward(tr.dout);
      } catch {
        reference = undefined;
      }
    }
    tr.grads = n.inputs.map((input, k) => (uses[input] === 1 ? (recorded.get(input) ?? null) : (reference?.[k] ?? null)));
  }
}

/**
 * Builds the graph of what ran: the first forward/backward pass of book-style layers, or the
 * first micrograd `backward()`, whichever the script did first. Throws TraceBuildError.
 */
export function buildTracedGraph(doc: TraceDocument): TracedGraph {
  const firstLayerSeq = doc.events.length > 0 ? doc.events[0].seq : Infinity;
  const mg = doc.micrograd.find((m) => m.nodes.length > 0);
  if (!mg && doc.micrograd.length > 0 && doc.events.length === 0) throw new TraceBuildError('the micrograd graph was too large to record (over 100,000 values)');
  if (mg && (mg.seq < firstLayerSeq || !doc.events.some((e) => e.kind === 'backward'))) return buildFromMicrograd(doc, mg);
  if (doc.events.length === 0) throw new TraceBuildError('no forward/backward calls and no micrograd backward() were seen');
  return buildFromLayers(doc);
}
