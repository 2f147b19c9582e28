/**
 * Writes trace documents the way python/backprop_trace.py does (python/TRACE_FORMAT.md), from
 * TypeScript "scripts" that call book-style layers, so the graph building and the check are tested
 * without Python. Values are identified by object identity, as in the tracer.
 */
export type Arr = { shape: number[]; data: number[] };

export function arr(rows: number[][] | number[] | number): Arr {
  if (typeof rows === 'number') return { shape: [], data: [rows] };
  if (rows.length > 0 && Array.isArray(rows[0])) {
    const r = rows as number[][];
    return { shape: [r.length, r[0].length], data: r.flat() };
  }
  return { shape: [(rows as number[]).length], data: rows as number[] };
}

interface LayerSpec {
  cls: string;
  name: string | null;
  forwardParams: string[];
  params?: Record<string, Arr>;
}

export class TraceWriter {
  private readonly ids = new Map<Arr, number>();
  private readonly values: unknown[] = [];
  private readonly layers: unknown[] = [];
  private readonly layerParams = new Map<number, Record<string, Arr>>();
  private readonly events: unknown[] = [];
  readonly micrograd: unknown[] = [];
  seq = 0;
  error: unknown = null;
  constructor(readonly script = '/work/script.py') {}

  /** The id of a value, recording it (a copy) the first time it is seen. */
  id(v: Arr, name: string | null = null, dtype = 'float64'): number {
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(v, id);
      this.values.push({ id, name, shape: v.shape, dtype, data: [...v.data], summary: null, origin: null });
    }
    return id;
  }

  /** A fresh recording of an array (copied when recorded, like the tracer's dout copy). */
  snapshot(v: Arr, name: string | null = null): number {
    const id = this.values.length;
    this.values.push({ id, name, shape: v.shape, dtype: 'float64', data: [...v.data], summary: null, origin: null });
    return id;
  }

  layer(spec: LayerSpec): number {
    const id = this.layers.length;
    const params: Record<string, number> = {};
    for (const [k, v] of Object.entries(spec.params ?? {})) params[k] = this.id(v);
    this.layers.push({ id, class: spec.cls, module: '__main__', file: this.script, classLine: 1, name: spec.name, forwardParams: spec.forwardParams, params });
    this.layerParams.set(id, spec.params ?? {});
    return id;
  }

  forward(layer: number, args: Record<string, Arr>, result: Arr, line: number, resultName: string | null = null): void {
    const a: Record<string, number> = {};
    for (const [k, v] of Object.entries(args)) a[k] = this.id(v);
    const params: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.layerParams.get(layer) ?? {})) params[k] = this.id(v);
    this.events.push({ seq: this.seq++, kind: 'forward', layer, args: a, result: this.id(result, resultName), params, file: this.script, line, column: 5 });
  }

  backward(layer: number, dout: Arr | null, result: Arr[], line: number, paramGrads: Record<string, Arr> = {}, numeric?: { ok: boolean; maxRelError: number; grads: Record<string, Arr> }): void {
    const pg: Record<string, number> = {};
    // Keyed by the parameter's name, as the tracer writes them (W → the value of dW).
    for (const [k, v] of Object.entries(paramGrads)) pg[k.replace(/^d/, '')] = this.snapshot(v);
    const ev: Record<string, unknown> = {
      seq: this.seq++,
      kind: 'backward',
      layer,
      dout: dout === null ? null : this.snapshot(dout),
      result: result.map((r) => this.snapshot(r)),
      paramGrads: pg,
      file: this.script,
      line,
      column: 5,
    };
    if (numeric) {
      const g: Record<string, number> = {};
      for (const [k, v] of Object.entries(numeric.grads)) g[k] = this.snapshot(v);
      ev.numeric = { ok: numeric.ok, maxRelError: numeric.maxRelError, grads: g };
    }
    this.events.push(ev);
  }

  doc(): Record<string, unknown> {
    return {
      version: 1,
      script: this.script,
      python: '3.11.2',
      numpy: '1.24.2',
      calls: this.events.length,
      truncated: null,
      skipped: { reentrant: 0 },
      error: this.error,
      values: this.values,
      layers: this.layers,
      events: this.events,
      micrograd: this.micrograd,
    };
  }
}

// --- numpy-ish helpers for the "student" code -------------------------------------------------

export const map = (a: Arr, f: (x: number, i: number) => number): Arr => ({ shape: [...a.shape], data: a.data.map(f) });
export const zip = (a: Arr, b: Arr, f: (x: number, y: number) => number): Arr => {
  if (a.data.length === b.data.length) return { shape: [...a.shape], data: a.data.map((x, i) => f(x, b.data[i])) };
  // b broadcast over the rows of a (the bias of Affine).
  const cols = b.data.length;
  return { shape: [...a.shape], data: a.data.map((x, i) => f(x, b.data[i % cols])) };
};
export function dot(a: Arr, b: Arr, ta = false, tb = false): Arr {
  const [ar, ac] = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const [br, bc] = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const n = tb ? br : bc;
  const A = (i: number, p: number): number => (ta ? a.data[p * ac + i] : a.data[i * ac + p]);
  const B = (p: number, j: number): number => (tb ? b.data[j * bc + p] : b.data[p * bc + j]);
  const out: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += A(i, p) * B(p, j);
    out.push(s);
  }
  return { shape: [m, n], data: out };
}
export function sumRows(a: Arr): Arr {
  const [r, c] = a.shape;
  const out = new Array<number>(c).fill(0);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j] += a.data[i * c + j];
  return { shape: [c], data: out };
}
