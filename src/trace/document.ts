/**
 * The trace document written by `python/backprop_trace.py` (see python/TRACE_FORMAT.md), parsed
 * and validated. The file comes from a student's script run by a Python process: every field is
 * checked, every list and array is bounded before it is used, and a bad field is a `TraceFormatError`
 * naming where it is (e.g. `events[3].args.x: expected a value id`), never a crash.
 */

/** The format version this parser reads. */
export const TRACE_VERSION = 1;

/** Bounds on a trace (the tracer's own caps are lower: 10,000 calls and 1,000,000 elements). */
export const TRACE_LIMITS = {
  /** Characters of the JSON text. */
  maxChars: 128 * 1024 * 1024,
  values: 200_000,
  layers: 20_000,
  events: 40_000,
  microgradNodes: 100_000,
  /** Elements over every value's data. */
  elements: 4_000_000,
  /** Dimensions of one value's shape. */
  rank: 8,
  /** Characters of one name or message. */
  text: 20_000,
} as const;

export class TraceFormatError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`the trace is not valid: ${path}: ${message}`);
    this.name = 'TraceFormatError';
  }
}

export interface TraceValue {
  id: number;
  name: string | null;
  shape: number[];
  dtype: string;
  /** Flat, C order; null when the tracer summarised it (over its element cap). */
  data: Float64Array | null;
  summary: { min: number; max: number; mean: number } | null;
  origin: { kind: string; layer: number | null; attr: string | null } | null;
}

export interface TraceLayer {
  id: number;
  className: string;
  module: string;
  file: string;
  classLine: number;
  name: string | null;
  forwardParams: string[];
  /** Parameter name → value id at the first forward, in the tracer's order. */
  params: [string, number][];
}

export interface CallSite {
  file: string;
  line: number;
  column: number;
}

export interface ForwardEvent extends CallSite {
  seq: number;
  /** The recorded call this one ran inside (a layer whose forward calls other layers), or null. */
  parent: number | null;
  kind: 'forward';
  layer: number;
  /** Argument name → value id, in the order the tracer wrote them. */
  args: [string, number][];
  /** A value id, or several when forward returned a tuple; [] when it returned None (or a non-number). */
  result: number[];
  /** Whether forward returned a tuple (then `result` lists its items). */
  tuple: boolean;
  params: [string, number][];
}

export interface NumericCheck {
  /** null: not checked (see `reason`). */
  ok: boolean | null;
  reason: string | null;
  maxRelError: number;
  /** The numerical gradient per input / parameter (elements not sampled are NaN). */
  grads: [string, number][];
  /** The largest error per input / parameter. */
  errors: [string, number][];
  tolerance: number;
  sampled: number | null;
}

export interface BackwardEvent extends CallSite {
  seq: number;
  parent: number | null;
  kind: 'backward';
  layer: number;
  /** The incoming gradient's value id, or null (backward called without one: the book's default 1). */
  dout: number | null;
  /** What backward returned: value ids ([] for None). */
  result: number[];
  paramGrads: [string, number][];
  numeric: NumericCheck | null;
}

export type TraceEvent = ForwardEvent | BackwardEvent;

export interface MicrogradNode {
  id: number;
  name: string | null;
  op: string;
  prev: number[];
  data: number;
  grad: number;
  line: number | null;
}

export interface MicrogradTrace extends CallSite {
  seq: number;
  root: number;
  nodes: MicrogradNode[];
}

export interface TraceError {
  type: string;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  traceback: string;
}

export interface TraceDocument {
  version: number;
  script: string;
  python: string | null;
  numpy: string | null;
  calls: number;
  truncated: { reason: string; message: string } | null;
  skipped: { reentrant: number };
  error: TraceError | null;
  values: Map<number, TraceValue>;
  layers: Map<number, TraceLayer>;
  events: TraceEvent[];
  micrograd: MicrogradTrace[];
}

// ---------------------------------------------------------------------------------------------

type Json = unknown;

function fail(path: string, message: string): never {
  throw new TraceFormatError(path, message);
}

function obj(x: Json, path: string): Record<string, Json> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) fail(path, 'expected an object');
  return x as Record<string, Json>;
}

function arr(x: Json, path: string, max: number): Json[] {
  if (!Array.isArray(x)) fail(path, 'expected a list');
  if (x.length > max) fail(path, `has ${x.length} items, more than the limit of ${max}`);
  return x;
}

function str(x: Json, path: string): string {
  if (typeof x !== 'string') fail(path, 'expected a string');
  if (x.length > TRACE_LIMITS.text) fail(path, `is longer than ${TRACE_LIMITS.text} characters`);
  return x;
}

function optStr(x: Json, path: string): string | null {
  return x === null || x === undefined ? null : str(x, path);
}

function int(x: Json, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) fail(path, `expected a whole number from ${min} to ${max}`);
  return x;
}

function optInt(x: Json, path: string, min = 0): number | null {
  return x === null || x === undefined ? null : int(x, path, min);
}

/** A number as the tracer writes it: finite numbers, or "NaN" / "Infinity" / "-Infinity". */
function num(x: Json, path: string): number {
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (x === 'NaN') return NaN;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  fail(path, 'expected a number');
}

function bool(x: Json, path: string): boolean {
  if (typeof x !== 'boolean') fail(path, 'expected true or false');
  return x;
}

/** An object of name → value id, kept in order; a null id (not a number or an array: None, a string) is left out. */
function idMap(x: Json, path: string, max = 1_000): [string, number][] {
  if (x === null || x === undefined) return [];
  const o = obj(x, path);
  const keys = Object.keys(o);
  if (keys.length > max) fail(path, `has ${keys.length} entries, more than the limit of ${max}`);
  return keys.filter((k) => o[k] !== null).map((k) => [str(k, `${path} key`), int(o[k], `${path}.${k}`)]);
}

/** An object of name → number (non-finite as the format's strings). */
function numMap(x: Json, path: string): [string, number][] {
  if (x === null || x === undefined) return [];
  const o = obj(x, path);
  const keys = Object.keys(o);
  if (keys.length > 1_000) fail(path, `has ${keys.length} entries, more than the limit of 1000`);
  return keys.map((k) => [k, num(o[k], `${path}.${k}`)]);
}

/** A value id or a list of them; a null item (a non-number) is -1. */
function ids(x: Json, path: string): { ids: number[]; tuple: boolean } {
  if (Array.isArray(x)) return { ids: arr(x, path, 1_000).map((v, i) => (v === null ? -1 : int(v, `${path}[${i}]`))), tuple: true };
  if (x === null || x === undefined) return { ids: [], tuple: false };
  return { ids: [int(x, path)], tuple: false };
}

function callSite(o: Record<string, Json>, path: string): CallSite {
  return { file: str(o.file, `${path}.file`), line: int(o.line, `${path}.line`, 1), column: int(o.column ?? 1, `${path}.column`, 1) };
}

function parseValue(x: Json, path: string, budget: { elements: number }): TraceValue {
  const o = obj(x, path);
  const shape = arr(o.shape, `${path}.shape`, TRACE_LIMITS.rank).map((d, i) => int(d, `${path}.shape[${i}]`, 0, 1e9));
  const size = shape.reduce((n, d) => n * d, 1);
  let data: Float64Array | null = null;
  if (o.data !== null && o.data !== undefined) {
    if (size > TRACE_LIMITS.elements) fail(`${path}.data`, `${size} elements, more than the limit`);
    budget.elements -= size;
    if (budget.elements < 0) fail(`${path}.data`, `the values add up to more than ${TRACE_LIMITS.elements} elements, the limit`);
    const list = arr(o.data, `${path}.data`, size);
    if (list.length !== size) fail(`${path}.data`, `has ${list.length} numbers but the shape (${shape.join(', ')}) needs ${size}`);
    data = new Float64Array(size);
    for (let i = 0; i < size; i++) data[i] = num(list[i], `${path}.data[${i}]`);
  }
  let summary: TraceValue['summary'] = null;
  if (o.summary !== null && o.summary !== undefined) {
    const s = obj(o.summary, `${path}.summary`);
    summary = { min: num(s.min, `${path}.summary.min`), max: num(s.max, `${path}.summary.max`), mean: num(s.mean, `${path}.summary.mean`) };
  }
  if (!data && !summary) fail(path, 'has neither data nor a summary');
  let origin: TraceValue['origin'] = null;
  if (o.origin !== null && o.origin !== undefined) {
    const g = obj(o.origin, `${path}.origin`);
    origin = { kind: str(g.kind, `${path}.origin.kind`), layer: optInt(g.layer, `${path}.origin.layer`), attr: optStr(g.attr, `${path}.origin.attr`) };
  }
  return { id: int(o.id, `${path}.id`), name: optStr(o.name, `${path}.name`), shape, dtype: str(o.dtype ?? 'float64', `${path}.dtype`), data, summary, origin };
}

function parseLayer(x: Json, path: string): TraceLayer {
  const o = obj(x, path);
  return {
    id: int(o.id, `${path}.id`),
    className: str(o.class, `${path}.class`),
    module: str(o.module ?? '', `${path}.module`),
    file: str(o.file ?? '', `${path}.file`),
    classLine: int(o.classLine ?? 1, `${path}.classLine`, 0),
    name: optStr(o.name, `${path}.name`),
    forwardParams: arr(o.forwardParams ?? [], `${path}.forwardParams`, 1_000).map((p, i) => str(p, `${path}.forwardParams[${i}]`)),
    params: idMap(o.params, `${path}.params`),
  };
}

function parseEvent(x: Json, path: string): TraceEvent {
  const o = obj(x, path);
  const seq = int(o.seq, `${path}.seq`);
  const layer = int(o.layer, `${path}.layer`);
  const parent = optInt(o.parent, `${path}.parent`);
  const site = callSite(o, path);
  if (o.kind === 'forward') {
    const r = ids(o.result, `${path}.result`);
    return { ...site, seq, parent, kind: 'forward', layer, args: idMap(o.args, `${path}.args`), result: r.ids, tuple: r.tuple, params: idMap(o.params, `${path}.params`) };
  }
  if (o.kind === 'backward') {
    let numeric: NumericCheck | null = null;
    if (o.numeric !== null && o.numeric !== undefined) {
      const n = obj(o.numeric, `${path}.numeric`);
      numeric = {
        ok: n.ok === null || n.ok === undefined ? null : bool(n.ok, `${path}.numeric.ok`),
        reason: optStr(n.reason, `${path}.numeric.reason`),
        maxRelError: num(n.maxRelError ?? 'NaN', `${path}.numeric.maxRelError`),
        grads: idMap(n.grads, `${path}.numeric.grads`),
        errors: numMap(n.errors, `${path}.numeric.errors`),
        tolerance: n.tolerance === undefined || n.tolerance === null ? 1e-4 : num(n.tolerance, `${path}.numeric.tolerance`),
        sampled: optInt(n.sampled, `${path}.numeric.sampled`),
      };
    }
    return {
      ...site,
      seq,
      parent,
      kind: 'backward',
      layer,
      dout: optInt(o.dout, `${path}.dout`),
      result: ids(o.result, `${path}.result`).ids,
      paramGrads: idMap(o.paramGrads, `${path}.paramGrads`),
      numeric,
    };
  }
  fail(`${path}.kind`, "expected 'forward' or 'backward'");
}

function parseMicrograd(x: Json, path: string, budget: { nodes: number }): MicrogradTrace {
  const o = obj(x, path);
  const list = arr(o.nodes, `${path}.nodes`, TRACE_LIMITS.microgradNodes);
  budget.nodes -= list.length;
  if (budget.nodes < 0) fail(`${path}.nodes`, `more than ${TRACE_LIMITS.microgradNodes} micrograd nodes in all, the limit`);
  const seen = new Set<number>();
  const nodes = list.map((n, i): MicrogradNode => {
    const p = `${path}.nodes[${i}]`;
    const m = obj(n, p);
    const id = int(m.id, `${p}.id`);
    const prev = arr(m.prev ?? [], `${p}.prev`, 1_000).map((v, k) => int(v, `${p}.prev[${k}]`));
    for (const v of prev) if (!seen.has(v)) fail(`${p}.prev`, `node ${v} does not come before node ${id} (nodes must be in topological order)`);
    if (seen.has(id)) fail(`${p}.id`, `node ${id} comes twice`);
    seen.add(id);
    return { id, name: optStr(m.name, `${p}.name`), op: str(m.op ?? '', `${p}.op`), prev, data: num(m.data, `${p}.data`), grad: num(m.grad, `${p}.grad`), line: optInt(m.line, `${p}.line`, 1) };
  });
  const root = int(o.root, `${path}.root`);
  // A graph over the tracer's node cap is left out ("omitted"): an empty list.
  if (nodes.length > 0 && !seen.has(root)) fail(`${path}.root`, `node ${root} is not in the list`);
  return { ...callSite(o, path), seq: int(o.seq, `${path}.seq`), root, nodes };
}

function parseError(x: Json, path: string): TraceError | null {
  if (x === null || x === undefined) return null;
  const o = obj(x, path);
  // A script's exception message can be anything, of any length: cut, never rejected.
  const text = (x: Json, fallback: string): string => (typeof x === 'string' ? x.slice(0, 2_000) : fallback);
  return {
    type: text(o.type, 'Error'),
    message: text(o.message, ''),
    file: optStr(o.file, `${path}.file`),
    line: optInt(o.line, `${path}.line`, 1),
    column: optInt(o.column, `${path}.column`, 1),
    traceback: typeof o.traceback === 'string' ? o.traceback.slice(0, TRACE_LIMITS.text) : '',
  };
}

/** Parses and validates a trace document (the JSON text the tracer wrote). Throws TraceFormatError. */
export function parseTrace(text: string): TraceDocument {
  if (typeof text !== 'string') fail('(document)', 'not text');
  if (text.length > TRACE_LIMITS.maxChars) fail('(document)', `${text.length} characters, more than the limit of ${TRACE_LIMITS.maxChars}`);
  let raw: Json;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail('(document)', `not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return traceFromJson(raw);
}

/** Validates an already-parsed trace document. Throws TraceFormatError. */
export function traceFromJson(raw: Json): TraceDocument {
  const o = obj(raw, '(document)');
  const version = int(o.version, 'version');
  if (version !== TRACE_VERSION) fail('version', `this extension reads version ${TRACE_VERSION}, the tracer wrote ${version}`);
  const budget = { elements: TRACE_LIMITS.elements };
  const values = new Map<number, TraceValue>();
  arr(o.values ?? [], 'values', TRACE_LIMITS.values).forEach((v, i) => {
    const value = parseValue(v, `values[${i}]`, budget);
    if (values.has(value.id)) fail(`values[${i}].id`, `value ${value.id} comes twice`);
    values.set(value.id, value);
  });
  const layers = new Map<number, TraceLayer>();
  arr(o.layers ?? [], 'layers', TRACE_LIMITS.layers).forEach((l, i) => {
    const layer = parseLayer(l, `layers[${i}]`);
    if (layers.has(layer.id)) fail(`layers[${i}].id`, `layer ${layer.id} comes twice`);
    layers.set(layer.id, layer);
  });
  const events = arr(o.events ?? [], 'events', TRACE_LIMITS.events).map((e, i) => parseEvent(e, `events[${i}]`));
  // Every id an event names must exist.
  const needValue = (id: number, path: string): void => {
    if (!values.has(id)) fail(path, `value ${id} is not in the values list`);
  };
  events.forEach((e, i) => {
    const p = `events[${i}]`;
    if (!layers.has(e.layer)) fail(`${p}.layer`, `layer ${e.layer} is not in the layers list`);
    if (e.kind === 'forward') {
      e.args.forEach(([k, v]) => needValue(v, `${p}.args.${k}`));
      e.params.forEach(([k, v]) => needValue(v, `${p}.params.${k}`));
      e.result.forEach((v, k) => v >= 0 && needValue(v, `${p}.result[${k}]`));
    } else {
      if (e.dout !== null) needValue(e.dout, `${p}.dout`);
      e.result.forEach((v, k) => v >= 0 && needValue(v, `${p}.result[${k}]`));
      e.paramGrads.forEach(([k, v]) => needValue(v, `${p}.paramGrads.${k}`));
      e.numeric?.grads.forEach(([k, v]) => needValue(v, `${p}.numeric.grads.${k}`));
    }
  });
  for (const l of layers.values()) l.params.forEach(([k, v]) => needValue(v, `layers[${l.id}].params.${k}`));
  const mgBudget = { nodes: TRACE_LIMITS.microgradNodes };
  const micrograd = arr(o.micrograd ?? [], 'micrograd', 1_000).map((m, i) => parseMicrograd(m, `micrograd[${i}]`, mgBudget));
  let truncated: TraceDocument['truncated'] = null;
  if (o.truncated !== null && o.truncated !== undefined) {
    const t = obj(o.truncated, 'truncated');
    truncated = { reason: str(t.reason ?? '', 'truncated.reason'), message: str(t.message ?? '', 'truncated.message') };
  }
  const skipped = o.skipped === null || o.skipped === undefined ? { reentrant: 0 } : { reentrant: int(obj(o.skipped, 'skipped').reentrant ?? 0, 'skipped.reentrant') };
  return {
    version,
    script: str(o.script ?? '', 'script'),
    python: optStr(o.python, 'python'),
    numpy: optStr(o.numpy, 'numpy'),
    calls: int(o.calls ?? events.length, 'calls'),
    truncated,
    skipped,
    error: parseError(o.error, 'error'),
    values,
    layers,
    events,
    micrograd,
  };
}
