/**
 * The check of a traced script against the engine (issue 9, "The check").
 *
 * Locally, node by node: the engine's rule applied to the node's own recorded inputs and incoming
 * dout must give what the student's forward/backward returned (a mismatch is a difference beyond
 * 1e-7 relative to the largest magnitude involved). So a wrong layer is flagged, and the layers
 * before it, which only received a wrong dout, are not. A layer the engine does not know is
 * checked with the tracer's numerical gradient instead. The wiring is checked too: the dout a
 * layer's backward got must be the sum of what its consumers' backward calls sent back.
 *
 * Then globally: the engine runs the whole graph from the same leaf values, and each leaf's
 * gradient is compared with the one the script produced (the effect of the bugs).
 */
import type { GraphNode } from '../engine/graph';
import { createLayer, opInfo, type LocalText } from '../engine/layers';
import { Stepper } from '../engine/stepper';
import { type Tensor, sameShape, shapeToString } from '../engine/tensor';
import type { NodeTrace, RecordedCall, TracedGraph } from './build';
import { createTraceStepper, referenceLayerFactory } from './replay';

/** Relative tolerance of the local check against the engine's rules. */
export const CHECK_RTOL = 1e-7;
/** Relative tolerance against a numerical gradient (central differences are only this exact). */
export const NUMERIC_RTOL = 1e-4;

export interface Mismatch {
  /** Graph node id. */
  node: number;
  /** The layer's name (book style) or the value's name (micrograd). */
  label: string;
  phase: 'forward' | 'backward';
  /** The input whose gradient differs, or null (the output, or the incoming dout). */
  input: number | null;
  /** What differs, briefly: `out`, `dx`, `dW`, `dout`. */
  what: string;
  /** What the script computed (null: nothing). */
  got: Tensor | null;
  /** What the engine's rule gives (null: not known). */
  expected: Tensor | null;
  /** The sentence for the student, in English and Korean. */
  message: LocalText;
  /** The op's rule, from the engine's op spec. */
  rule: LocalText;
  /** Where the call is, and when it ran. */
  site: RecordedCall;
}

export interface LeafComparison {
  id: number;
  label: string;
  /** The gradient the script produced (null: none reached it). */
  script: Tensor | null;
  /** The engine's gradient from the same leaf values. */
  reference: Tensor | null;
  maxAbsDiff: number;
  /** maxAbsDiff relative to the largest |reference| element. */
  relError: number;
}

export interface TraceCheck {
  /** In the order the script ran the calls. */
  mismatches: Mismatch[];
  /** Op nodes that could not be checked, and why. */
  unchecked: { node: number; reason: string }[];
  /** Every non-constant leaf: the script's gradient against the engine's. */
  leaves: LeafComparison[];
  /** The engine could not run the whole graph (e.g. a custom layer's output does not fit); why. */
  referenceError?: string;
}

/** Largest |x| over tensors. */
function maxAbs(...ts: (Tensor | null | undefined)[]): number {
  let m = 0;
  for (const t of ts) if (t) for (const x of t.data) if (Math.abs(x) > m) m = Math.abs(x);
  return m;
}

/**
 * The element that differs most: its index and |difference| (NaN counts as different). With
 * `skipNaN`, elements where `b` is NaN are not compared (a numerical gradient's unsampled elements).
 */
function worstElement(a: Tensor, b: Tensor, skipNaN = false): { index: number; diff: number } {
  let index = 0;
  let diff = -1;
  for (let i = 0; i < a.size; i++) {
    if (skipNaN && Number.isNaN(b.data[i])) continue;
    const d = Math.abs(a.data[i] - b.data[i]);
    const dd = Number.isNaN(d) ? (Number.isNaN(a.data[i]) && Number.isNaN(b.data[i]) ? 0 : Infinity) : d;
    if (dd > diff) {
      diff = dd;
      index = i;
    }
  }
  return { index, diff: Math.max(0, diff) };
}

/** True when the two tensors agree within `rtol` of the largest magnitude in either. */
export function closeEnough(got: Tensor, expected: Tensor, rtol = CHECK_RTOL): boolean {
  if (!sameShape(got.shape, expected.shape)) return false;
  const { diff } = worstElement(got, expected);
  const scale = Math.max(maxAbs(got, expected), 1e-300);
  return diff <= rtol * scale || diff === 0;
}

/** A number as the student would read it: up to 10 significant digits. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(Number(x.toPrecision(10)));
}

function indexText(shape: readonly number[], i: number): string {
  if (shape.length === 0) return '';
  if (shape.length === 1) return `[${i}]`;
  return `[${Math.floor(i / shape[1])}, ${i % shape[1]}]`;
}

/** "dx = 650" and "1.1" for scalars; "dx[1, 2] = 0.5" and "dx[1, 2] = 0.1" (the element that differs most) for arrays. */
function describePair(name: string, got: Tensor, expected: Tensor, skipNaN = false): { got: string; expected: string } {
  if (got.size === 1 && expected.size === 1) return { got: `${name} = ${formatNumber(got.data[0])}`, expected: formatNumber(expected.data[0]) };
  const { index } = worstElement(got, expected, skipNaN);
  const at = indexText(got.shape, index);
  return { got: `${name}${at} = ${formatNumber(got.data[index])}`, expected: `${name}${at} = ${formatNumber(expected.data[index])}` };
}

function inputValue(traced: TracedGraph, id: number): Tensor {
  const n = traced.graph.nodes[id];
  if (n.value) return n.value;
  const tr = traced.nodes[id];
  if (!tr) throw new Error(`node ${n.label} has no recorded value`);
  return tr.output;
}

/** A value as messages name it: the script's variable (all_price), else the node's label. */
function valueName(node: GraphNode): string {
  return node.name ?? node.label;
}

/** The name the script gives an op node's result in messages: its variable, else `out`. */
function outputName(node: GraphNode): string {
  return node.name ?? 'out';
}

/** "Affine1.backward" for a layer; micrograd values have no methods: "the * that makes L". */
function callText(node: GraphNode, tr: NodeTrace, phase: 'forward' | 'backward'): LocalText {
  if (tr.source === 'layer') return { en: `${node.label}.${phase}`, ko: `${node.label}.${phase}` };
  return { en: `micrograd's ${tr.className || node.op} for ${node.label} (${phase})`, ko: `${node.label}을(를) 만든 micrograd의 ${tr.className || node.op} (${phase === 'forward' ? '순전파' : '역전파'})` };
}

class Checker {
  readonly mismatches: Mismatch[] = [];
  readonly unchecked: { node: number; reason: string }[] = [];
  constructor(private readonly traced: TracedGraph) {}

  add(node: GraphNode, tr: NodeTrace, m: Omit<Mismatch, 'node' | 'label' | 'rule' | 'site'> & { rule?: LocalText }): void {
    const site = m.phase === 'forward' ? tr.forward : (tr.backward ?? tr.forward);
    this.mismatches.push({ node: node.id, label: node.label, ...m, rule: m.rule ?? opInfo(node.op).rule, site });
  }

  local(node: GraphNode, tr: NodeTrace): void {
    const graph = this.traced.graph;
    const inputs = node.inputs.map((i) => inputValue(this.traced, i));
    const rule = opInfo(node.op).rule;
    if (node.op === 'custom') {
      this.custom(node, tr);
      return;
    }
    let layer;
    let expected: Tensor;
    try {
      layer = createLayer(node);
      expected = layer.forward(inputs);
    } catch (e) {
      this.unchecked.push({ node: node.id, reason: `the engine's ${node.op} cannot take these inputs: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    const call = callText(node, tr, 'forward');
    if (!closeEnough(tr.output, expected)) {
      const name = outputName(node);
      const shapeNote = sameShape(tr.output.shape, expected.shape) ? undefined : `${shapeToString(tr.output.shape)} vs ${shapeToString(expected.shape)}`;
      const d = shapeNote ? { got: `${name} of shape ${shapeToString(tr.output.shape)}`, expected: `shape ${shapeToString(expected.shape)}` } : describePair(name, tr.output, expected);
      this.add(node, tr, {
        phase: 'forward',
        input: null,
        what: name,
        got: tr.output,
        expected,
        message: {
          en: `${call.en} returned ${d.got}; the reference gives ${d.expected} (${rule.en})`,
          ko: `${call.ko}이(가) ${d.got}을(를) 반환했습니다. 기준값은 ${d.expected}입니다 (${rule.ko})`,
        },
      });
    }
    if (!tr.backward || !tr.dout) return;
    let reference: (Tensor | null)[];
    try {
      reference = layer.backward(tr.dout);
    } catch (e) {
      this.unchecked.push({ node: node.id, reason: `the engine's ${node.op} backward cannot take this dout: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    const bcall = callText(node, tr, 'backward');
    node.inputs.forEach((inputId, k) => {
      const input = graph.nodes[inputId];
      if (input.constant || reference[k] === null) return;
      const gradName = tr.source === 'layer' ? `d${tr.inputNames[k]}` : `${input.label}.grad`;
      const exp = reference[k] as Tensor;
      const problem = tr.gradProblems[k];
      const got = tr.grads?.[k] ?? null;
      if (problem) {
        this.add(node, tr, {
          phase: 'backward',
          input: inputId,
          what: gradName,
          got: null,
          expected: exp,
          message: { en: `${problem}; the reference ${gradName} for ${valueName(input)} has shape ${shapeToString(exp.shape)} (${rule.en})`, ko: `${problem} — ${valueName(input)}에 대한 기준 ${gradName}의 형상은 ${shapeToString(exp.shape)}입니다 (${rule.ko})` },
        });
        return;
      }
      if (got === null) return; // micrograd: shared children are checked at the child (see shared())
      if (closeEnough(got, exp)) return;
      const d = describePair(gradName, got, exp);
      this.add(node, tr, {
        phase: 'backward',
        input: inputId,
        what: gradName,
        got,
        expected: exp,
        message: {
          en: `${bcall.en} returned ${d.got} for input ${valueName(input)}; the reference gives ${d.expected} (${rule.en})`,
          ko: `${bcall.ko}이(가) 입력 ${valueName(input)}에 대해 ${d.got}을(를) 반환했습니다. 기준값은 ${d.expected}입니다 (${rule.ko})`,
        },
      });
    });
  }

  /** A custom layer: the tracer's central differences of a copy's forward against the same dout. */
  custom(node: GraphNode, tr: NodeTrace): void {
    if (!tr.backward) return;
    const numeric = tr.numeric;
    if (!numeric || numeric.ok === null) {
      const why = numeric?.reason ?? (tr.source === 'micrograd' ? `micrograd op '${tr.className}' is not one the engine knows` : `the tracer did not check ${node.label} numerically`);
      this.unchecked.push({ node: node.id, reason: why });
      return;
    }
    if (numeric.ok) return;
    const rule = opInfo('custom').rule;
    let flagged = false;
    node.inputs.forEach((inputId, k) => {
      const num = numeric.grads[k] ?? null;
      const got = tr.grads?.[k] ?? null;
      const input = this.traced.graph.nodes[inputId];
      const gradName = `d${tr.inputNames[k]}`;
      const err = numeric.errors[k];
      if (!num || input.constant) return;
      if (err !== null && err !== undefined ? err <= numeric.tolerance : got !== null && closeEnough(got, num, NUMERIC_RTOL)) return;
      flagged = true;
      const d = got && sameShape(got.shape, num.shape) ? describePair(gradName, got, num, true) : { got: got ? `${gradName} of shape ${shapeToString(got.shape)}` : `no ${gradName}`, expected: `shape ${shapeToString(num.shape)}` };
      this.add(node, tr, {
        phase: 'backward',
        input: inputId,
        what: gradName,
        got,
        expected: num,
        message: {
          en: `${node.label}.backward returned ${d.got} for input ${valueName(input)}; the numerical gradient gives ${d.expected} (${rule.en})`,
          ko: `${node.label}.backward가 입력 ${valueName(input)}에 대해 ${d.got}을(를) 반환했습니다. 수치 미분은 ${d.expected}입니다 (${rule.ko})`,
        },
      });
    });
    if (!flagged) {
      this.add(node, tr, {
        phase: 'backward',
        input: null,
        what: 'backward',
        got: null,
        expected: null,
        message: {
          en: `${node.label}.backward does not match the numerical gradient of its forward (largest relative error ${formatNumber(numeric.maxRelError)}) (${rule.en})`,
          ko: `${node.label}.backward가 forward의 수치 미분과 맞지 않습니다 (최대 상대 오차 ${formatNumber(numeric.maxRelError)}) (${rule.ko})`,
        },
      });
    }
  }

  /**
   * The wiring: the dout a layer's backward got must be the sum of what its consumers' backward
   * calls sent back (a value used twice gets both). Skipped where a consumer's gradient is unusable
   * (that consumer is already flagged) or never computed.
   */
  wiring(replay: Stepper): void {
    const { graph } = this.traced;
    for (const node of graph.nodes) {
      const tr = this.traced.nodes[node.id];
      if (!tr || tr.source !== 'layer' || !tr.backward || !tr.dout || node.id === graph.output) continue;
      // The replay's table of consumers (each once: a layer that uses the value twice is named once).
      const cons = replay.consumersOf(node.id);
      const complete = cons.every((c) => {
        const ct = this.traced.nodes[c];
        return ct?.backward && ct.grads && graph.nodes[c].inputs.every((i, k) => i !== node.id || (ct.grads?.[k] && !ct.gradProblems[k]));
      });
      if (cons.length === 0 || !complete) continue;
      const rec = replay.record(replay.stepOfNode(node.id, 'backward'));
      const sum = rec.phase === 'backward' ? rec.dout : null;
      if (!sum || closeEnough(tr.dout, sum)) continue;
      const names = cons.map((c) => graph.nodes[c].label).join(', ');
      const d = describePair('dout', tr.dout, sum);
      this.add(node, tr, {
        phase: 'backward',
        input: null,
        what: 'dout',
        got: tr.dout,
        expected: sum,
        message: {
          en: `${node.label}.backward got ${d.got}, but the gradients that ${names} sent back add up to ${d.expected} (a value used in several places gets the sum of their gradients)`,
          ko: `${node.label}.backward가 ${d.got}을(를) 받았지만 ${names}이(가) 돌려보낸 기울기의 합은 ${d.expected}입니다 (여러 곳에서 쓰인 값은 그 기울기들의 합을 받아야 합니다)`,
        },
        rule: opInfo('leaf').rule,
      });
    }
  }

  /**
   * micrograd: a value used in several places gets the sum of what each use sends back. What each
   * use sent is not recorded, so the check is at the value: its .grad against the rules' sum.
   */
  shared(replay: Stepper): void {
    const { graph } = this.traced;
    const uses = new Array<number>(graph.nodes.length).fill(0);
    for (const n of graph.nodes) for (const i of n.inputs) uses[i]++;
    for (const node of graph.nodes) {
      if (uses[node.id] < 2) continue;
      const got = node.op === 'leaf' ? this.traced.leafGrads?.get(node.id) : this.traced.nodes[node.id]?.dout;
      const expected = replay.gradAt(node.id);
      if (!got || !expected || closeEnough(got, expected)) continue;
      const tr = this.traced.nodes[graph.output] as NodeTrace;
      const d = describePair(`${node.label}.grad`, got, expected);
      this.mismatches.push({
        node: node.id,
        label: node.label,
        phase: 'backward',
        input: null,
        what: `${node.label}.grad`,
        got,
        expected,
        message: {
          en: `backward() left ${d.got}, but the rules of the ${uses[node.id]} places that use ${node.label} add up to ${d.expected} (each use must add (+=) its gradient, not overwrite it)`,
          ko: `backward() 후 ${d.got}이지만 ${node.label}을(를) 쓰는 ${uses[node.id]}곳의 규칙을 합하면 ${d.expected}입니다 (각 사용처는 기울기를 덮어쓰지 말고 더해야(+=) 합니다)`,
        },
        rule: opInfo('leaf').rule,
        site: tr.backward ?? tr.forward,
      });
    }
  }
}

/** Checks every node of a traced script, then the leaves' gradients against the engine's run. */
export function checkTrace(traced: TracedGraph): TraceCheck {
  const checker = new Checker(traced);
  const { graph } = traced;
  for (const node of graph.nodes) {
    const tr = traced.nodes[node.id];
    if (tr) checker.local(node, tr);
  }
  const replay = createTraceStepper(traced);
  replay.runBackward();
  if (traced.source === 'layers') checker.wiring(replay);
  let reference: Stepper | undefined;
  let referenceError: string | undefined;
  try {
    reference = new Stepper(graph, { createLayer: referenceLayerFactory(traced) });
    reference.runBackward();
  } catch (e) {
    referenceError = e instanceof Error ? e.message : String(e);
    reference = undefined;
  }
  if (traced.source === 'micrograd') checker.shared(replay);
  const seqOf = (m: Mismatch): number => m.site.seq;
  const mismatches = checker.mismatches
    .map((m, i) => ({ m, i }))
    .sort((a, b) => seqOf(a.m) - seqOf(b.m) || a.i - b.i)
    .map(({ m }) => m);
  const leaves: LeafComparison[] = [];
  for (const node of graph.nodes) {
    if (node.op !== 'leaf' || node.constant) continue;
    const script = scriptGrad(traced, replay, node.id) ?? null;
    const ref = reference ? (reference.gradAt(node.id) ?? null) : null;
    let maxAbsDiff = NaN;
    if (script && ref && sameShape(script.shape, ref.shape)) maxAbsDiff = worstElement(script, ref).diff;
    else if (!script && !ref) maxAbsDiff = 0;
    leaves.push({ id: node.id, label: node.label, script, reference: ref, maxAbsDiff, relError: maxAbsDiff / Math.max(maxAbs(ref), 1e-300) });
  }
  const out: TraceCheck = { mismatches, unchecked: checker.unchecked, leaves };
  if (referenceError !== undefined) out.referenceError = referenceError;
  return out;
}

/** The gradient the script produced at a node (micrograd: the recorded .grad; layers: what its consumers sent back). */
export function scriptGrad(traced: TracedGraph, replay: Stepper, id: number): Tensor | undefined {
  const recorded = traced.leafGrads?.get(id) ?? traced.nodes[id]?.dout ?? undefined;
  if (traced.source === 'micrograd' && recorded) return recorded;
  return replay.gradAt(id) ?? undefined;
}

/** The first mismatch of each node, in script order (one diagnostic each). */
export function firstMismatchPerNode(check: TraceCheck): Mismatch[] {
  const seen = new Set<number>();
  return check.mismatches.filter((m) => (seen.has(m.node) ? false : (seen.add(m.node), true)));
}
