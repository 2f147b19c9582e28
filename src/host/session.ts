/**
 * One stepper session per graph document: the compiled graph, the stepper over it, and everything
 * the panel, the sidebar, the editor and the API read from it. Pure (no `vscode`).
 *
 * Recompiling keeps the last good graph when the source has errors, and keeps the step position
 * when the graph's shape did not change (same layout key ⇒ same cursor); when the shape changed it
 * maps the position by the node that ran last (so toggling composite layers stays on the same
 * variable), else by phase and offset.
 */
import type { Graph, GraphNode } from '../engine/graph';
import { nonFiniteMessage, type NonFiniteReport } from '../engine/nonFinite';
import type { Tensor } from '../engine/tensor';
import type { SessionSnapshot } from './api';
import { type ArithmeticStep, fanOutArithmetic, productElement } from '../engine/arithmetic';
import type { EdgeDelta, GraphInfo, LocalText, NodeDelta, NodeInfo, NodeMismatch, StepState, TensorData } from '../shared/protocol';
import { formatNumber, toNested } from '../shared/format';
import type { EnginePort, FileContent, SourceDiagnostic, SourceIdentifier, SourceStatement, StepperPort } from './ports';

export interface CompileResult {
  /** The graph changed (a new stepper was made). */
  graphChanged: boolean;
  /** The graph's shape changed (the webview must lay it out again). */
  layoutChanged: boolean;
  diagnostics: SourceDiagnostic[];
}

/** Deltas between two cursors, as the protocol's `update` message carries them. */
export interface StepDeltas {
  nodes: NodeDelta[];
  edges: EdgeDelta[];
}

export function tensorData(t: Tensor | null | undefined): TensorData | null {
  return t ? { shape: [...t.shape], data: Array.from(t.data) } : null;
}

/** Short, stable hash of a string (FNV-1a, 32 bit) for layout keys. */
export function hashString(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Same key ⇔ same nodes, ops, edges, labels and shapes; values do not count. */
export function layoutKeyOf(graph: Graph, expanded: boolean): string {
  const parts = graph.nodes.map((n) => `${n.op}:${n.label}:${n.inputs.join(',')}:${n.shape.join('x')}:${n.constant ? 'c' : ''}`);
  return `${expanded ? 'x' : 'f'}${graph.nodes.length}-${hashString(`${graph.output}|${parts.join(';')}`)}`;
}

export class GraphSession {
  readonly uri: string;
  fileName: string;
  expanded = false;
  /** The last source compiled. */
  source: string | undefined;
  /** The loaded files it was compiled with (a new map when a file changed). */
  private files: ReadonlyMap<string, FileContent> | undefined;
  /** The names of the last good compile, with the version each means (for hover and go-to). */
  identifiers: readonly SourceIdentifier[] = [];
  /** The statements of the last good compile (for the inline hints and the Outline). */
  statements: readonly SourceStatement[] = [];
  /** Diagnostics of the last compile. */
  diagnostics: SourceDiagnostic[] = [];
  /** The last good graph and its stepper (kept on screen while the source has errors). */
  graph: Graph | undefined;
  stepper: StepperPort | undefined;
  layoutKey = '';
  /** Whether the last compile failed (the graph shown is an older one). */
  stale = false;
  /** An error thrown by the engine while stepping (the stepper stays where it was). */
  runtimeError: string | undefined;
  /**
   * 'backprop': compiled from the document's text. 'trace': a traced Python script's graph, given
   * whole by `adopt` (its document's text is Python, never compiled).
   */
  kind: 'backprop' | 'trace' = 'backprop';
  /** Traced scripts: the check's first mismatch per node. */
  mismatches = new Map<number, NodeMismatch>();
  /** Where NaN/±Infinity first appears in the current graph's pass, by node (first report of each). */
  private nonFiniteAt = new Map<number, { phase: NonFiniteReport['phase']; message: string }>();
  private byLabel = new Map<string, GraphNode>();

  constructor(
    uri: string,
    fileName: string,
    private readonly engine: EnginePort,
  ) {
    this.uri = uri;
    this.fileName = fileName;
  }

  get cursor(): number {
    return this.stepper?.cursor ?? 0;
  }

  get totalSteps(): number {
    return this.stepper?.totalSteps ?? 0;
  }

  get forwardSteps(): number {
    return this.stepper?.forwardSteps ?? 0;
  }

  /** The first error of the last compile, if it failed. */
  get error(): SourceDiagnostic | undefined {
    return this.diagnostics.find((d) => d.severity === 'error');
  }

  /**
   * Compiles `source` (again). Unchanged source and options do nothing. Never throws: an internal
   * error of the compiler or the engine becomes a diagnostic at 1:1.
   */
  update(source: string, force = false, files?: ReadonlyMap<string, FileContent>): CompileResult {
    if (!force && source === this.source && files === this.files && this.graph) {
      return { graphChanged: false, layoutChanged: false, diagnostics: this.diagnostics };
    }
    this.source = source;
    this.files = files;
    let graph: Graph | undefined;
    let stepper: StepperPort | undefined;
    let identifiers: readonly SourceIdentifier[] = [];
    let statements: readonly SourceStatement[] = [];
    try {
      const out = this.engine.compile(source, this.expanded, files);
      this.diagnostics = out.diagnostics;
      if (out.graph && !out.diagnostics.some((d) => d.severity === 'error')) {
        graph = out.graph;
        stepper = this.engine.createStepper(graph);
        identifiers = out.identifiers ?? [];
        statements = out.statements ?? [];
      }
    } catch (e) {
      this.diagnostics = [internalError(e)];
    }
    if (!graph || !stepper) {
      this.stale = this.graph !== undefined;
      return { graphChanged: false, layoutChanged: false, diagnostics: this.diagnostics };
    }
    return this.adopt(graph, stepper, this.diagnostics, undefined, identifiers, statements);
  }

  /**
   * Shows a graph made elsewhere (a traced script), keeping the step position as a recompile
   * does. `source` is the text the graph stands for (hints hide once the document differs);
   * `identifiers` and `statements` what the language found in it (none for a traced script).
   */
  adopt(
    graph: Graph,
    stepper: StepperPort,
    diagnostics: SourceDiagnostic[],
    source?: string,
    identifiers: readonly SourceIdentifier[] = [],
    statements: readonly SourceStatement[] = [],
  ): CompileResult {
    if (source !== undefined) this.source = source;
    this.diagnostics = diagnostics;
    this.stale = false;
    this.identifiers = identifiers;
    this.statements = statements;
    const key = layoutKeyOf(graph, this.expanded);
    const layoutChanged = key !== this.layoutKey;
    const target = this.graph && this.stepper ? this.mapCursor(graph, stepper, layoutChanged) : 0;
    this.install(graph, stepper, key);
    this.safeGoTo(target);
    this.findNonFinite(graph, stepper);
    return { graphChanged: true, layoutChanged, diagnostics: this.diagnostics };
  }

  /** Toggles composite layers (sigmoid/affine as one node or as primitives) and recompiles. */
  setExpanded(expanded: boolean): CompileResult {
    this.expanded = expanded;
    return this.source === undefined
      ? { graphChanged: false, layoutChanged: false, diagnostics: this.diagnostics }
      : this.update(this.source, true, this.files);
  }

  /** Moves the cursor (clamped); returns the deltas to send, or undefined when nothing moved. */
  goTo(step: number): StepDeltas | undefined {
    const s = this.stepper;
    if (!s) return undefined;
    const from = s.cursor;
    const to = Math.max(0, Math.min(s.totalSteps, Math.trunc(step)));
    if (to === from) return undefined;
    this.safeGoTo(to);
    return this.deltasBetween(from, s.cursor);
  }

  stepState(): StepState {
    const s = this.stepper;
    if (!s) return { cursor: 0, totalSteps: 0, phase: 'forward', current: null };
    const state: StepState = { cursor: s.cursor, totalSteps: s.totalSteps, phase: s.phase, current: this.currentNode() };
    const explain = this.explain();
    if (explain.length) state.explain = explain;
    return state;
  }

  /**
   * The arithmetic of the step just run, written out with its numbers (the op's template from the
   * engine): `∂L/∂apple = ∂L/∂apple_price · apple_num = 1.1 × 2 = 2.2`, and for an input whose
   * last use this step was, the sum over its uses: `∂L/∂x = 3 + 4 = 7 (from a, b)`.
   */
  explain(): LocalText[] {
    const g = this.graph;
    const id = this.currentNode();
    if (!g || id === null) return [];
    const node = g.nodes[id];
    const template = this.safeRead(() => this.engine.describeOp(node.op).arithmetic);
    if (!template) return [];
    const backward = this.cursor > this.forwardSteps;
    const step: ArithmeticStep = {
      phase: backward ? 'backward' : 'forward',
      out: node.label,
      args: node.inputs.map((i) => g.nodes[i]?.label ?? String(i)),
      x: node.inputs.map((i) => this.value(i)),
      y: this.value(id),
      dout: backward ? this.grad(id) : undefined,
      dx: node.inputs.map((_, k) => (backward ? (this.edgeGrad(id, k) ?? null) : undefined)),
      constant: node.inputs.map((i) => g.nodes[i]?.constant === true),
      num: (v) => formatNumber(v, 4).replace(/^-/, '−'),
    };
    if (node.exponent !== undefined) step.exponent = node.exponent;
    const out: LocalText[] = this.safeRead(() => template(step)) ?? [];
    if (!backward) return out;
    // A value used in several places: its gradient is complete once its last use ran backward.
    for (const inp of new Set(node.inputs)) {
      const input = g.nodes[inp];
      if (!input || input.constant) continue;
      const parts: { from: string; grad: Tensor }[] = [];
      let complete = true;
      for (const c of this.consumersOf(inp)) {
        g.nodes[c].inputs.forEach((x, k) => {
          if (x !== inp) return;
          const eg = this.edgeGrad(c, k);
          if (eg) parts.push({ from: g.nodes[c].label, grad: eg });
          else complete = false;
        });
      }
      if (complete && parts.length > 1) out.push(fanOutArithmetic(input.label, parts, this.grad(inp), step.num));
    }
    return out;
  }

  /** The node run by the step just before the cursor, or null at the start. */
  currentNode(): number | null {
    return this.safeRead(() => this.stepper?.currentNode) ?? null;
  }

  /** The node that step `i` runs (0-based), or undefined. */
  nodeOfStep(i: number): number | undefined {
    return this.safeRead(() => this.stepper?.nodeOfStep(i));
  }

  /** The symbol drawn for an op (×, +, σ, …). */
  symbolOf(op: string): string {
    try {
      return this.engine.describeOp(op as GraphNode['op']).symbol;
    } catch {
      return op;
    }
  }

  /** The symbol drawn for a node: a custom layer's class name, else its op's symbol. */
  nodeSymbol(n: GraphNode): string {
    return n.className ?? this.symbolOf(n.op);
  }

  node(id: number): GraphNode | undefined {
    return this.graph?.nodes[id];
  }

  nodeByLabel(label: string): GraphNode | undefined {
    return this.byLabel.get(label);
  }

  /**
   * The name at a 1-based position of the compiled source and the node of the version it means
   * there (after `x = x * 2`, an `x` below is x′). Undefined off a name or while the graph is stale.
   */
  identifierAt(line: number, column: number): { identifier: SourceIdentifier; node: GraphNode } | undefined {
    if (this.stale) return undefined;
    const inside = (r: SourceIdentifier['range']): boolean => r.start.line === line && r.start.column <= column && column <= r.end.column;
    const identifier = this.identifiers.find((i) => i.label !== undefined && inside(i.range));
    const node = identifier?.label === undefined ? undefined : this.byLabel.get(identifier.label);
    return identifier && node ? { identifier, node } : undefined;
  }

  /** Where the version `label` is assigned: the name on the left of its `=`. */
  definitionOf(label: string): SourceIdentifier | undefined {
    return this.identifiers.find((i) => i.role === 'definition' && i.label === label);
  }

  /** The nodes that use node `id`, each once, in graph order (the stepper's table). */
  consumersOf(id: number): readonly number[] {
    return this.safeRead(() => this.stepper?.consumersOf(id)) ?? [];
  }

  value(id: number): Tensor | undefined {
    return this.safeRead(() => this.stepper?.valueAt(id));
  }

  grad(id: number): Tensor | undefined {
    return this.safeRead(() => this.stepper?.gradAt(id));
  }

  edgeGrad(consumer: number, arg: number): Tensor | undefined {
    return this.safeRead(() => this.stepper?.edgeGradAt(consumer, arg) ?? undefined);
  }

  graphInfo(): GraphInfo | undefined {
    const g = this.graph;
    const s = this.stepper;
    if (!g || !s) return undefined;
    const nodes: NodeInfo[] = g.nodes.map((n) => {
      const leaf = n.op === 'leaf';
      const d = this.engine.describeOp(n.op);
      const info: NodeInfo = {
        id: n.id,
        label: n.label,
        op: n.op,
        // A traced layer shows its class; a constant power is written as the book writes it: `**2`.
        symbol: n.className ?? (n.op === 'pow' && n.exponent !== undefined ? `**${formatNumber(n.exponent)}` : d.symbol),
        inputs: [...n.inputs],
        shape: [...n.shape],
        leaf,
        constant: n.constant === true,
        forwardStep: leaf ? -1 : s.stepOfNode(n.id, 'forward'),
        backwardStep: leaf ? -1 : s.stepOfNode(n.id, 'backward'),
        rule: d.rule,
        formula: d.formula,
        line: n.range.start.line,
      };
      if (n.name !== undefined) info.name = n.name;
      if (n.origin !== undefined) info.origin = n.origin.key === undefined ? { file: n.origin.file } : { file: n.origin.file, key: n.origin.key };
      const m = this.mismatches.get(n.id);
      if (m) info.mismatch = m;
      const nonFinite = this.nonFiniteAt.get(n.id);
      if (nonFinite) info.nonFinite = { ...nonFinite };
      return info;
    });
    return {
      uri: this.uri,
      fileName: this.fileName,
      nodes,
      output: g.output,
      totalSteps: s.totalSteps,
      forwardSteps: s.forwardSteps,
      expanded: this.expanded,
      layoutKey: this.layoutKey,
    };
  }

  /**
   * One element of a matrix product's gradient written out (the detail pane's clicked cell):
   * input `index` of node `id`, element [row][col] (a vector's element: row 0).
   */
  explainElement(id: number, index: number, row: number, col: number): LocalText | undefined {
    const g = this.graph;
    const node = g?.nodes[id];
    if (!g || !node || index >= node.inputs.length || this.edgeGrad(id, index) === undefined) return undefined;
    const args = node.inputs.map((i) => g.nodes[i]?.label ?? String(i));
    return this.safeRead(() =>
      productElement(node.op, index, { out: node.label, args }, node.inputs.map((i) => this.value(i)), this.grad(id), row, col, (v) => formatNumber(v, 4).replace(/^-/, '−')),
    );
  }

  /** Every value, gradient and edge gradient visible at the cursor (for a `graph` message). */
  fullState(): StepDeltas {
    const g = this.graph;
    if (!g) return { nodes: [], edges: [] };
    const nodes: NodeDelta[] = [];
    const edges: EdgeDelta[] = [];
    for (const n of g.nodes) {
      const value = this.value(n.id);
      const grad = this.grad(n.id);
      const d: NodeDelta = { id: n.id };
      if (value) d.value = tensorData(value);
      if (grad) d.grad = tensorData(grad);
      if (value || grad) nodes.push(d);
      n.inputs.forEach((_, k) => {
        const eg = this.edgeGrad(n.id, k);
        if (eg) edges.push({ to: n.id, index: k, grad: tensorData(eg) });
      });
    }
    return { nodes, edges };
  }

  /**
   * What changed between cursors `a` and `b` (the cursor is at `b`): only the nodes and edges that
   * the steps in between touch, each with its state at `b` (`null` = gone). The stepper's delta.
   */
  deltasBetween(a: number, b: number): StepDeltas {
    const d = this.safeRead(() => this.stepper?.delta(a, b));
    if (!d) return { nodes: [], edges: [] };
    return {
      nodes: d.nodes.map((n) => {
        const out: NodeDelta = { id: n.id };
        if (n.value !== undefined) out.value = tensorData(n.value);
        if (n.grad !== undefined) out.grad = tensorData(n.grad);
        return out;
      }),
      edges: d.edges.map((e) => ({ to: e.to, index: e.index, grad: tensorData(e.grad) })),
    };
  }

  /** A plain snapshot for the extension's API (values and gradients by node label). */
  snapshot(): SessionSnapshot {
    const g = this.graph;
    const s = this.stepper;
    // Built with Object.fromEntries (own data properties): a node labelled `__proto__` is an ordinary key.
    const values: [string, ReturnType<typeof toNested>][] = [];
    const grads: [string, ReturnType<typeof toNested>][] = [];
    if (g) {
      for (const n of g.nodes) {
        const v = this.value(n.id);
        const d = this.grad(n.id);
        if (v) values.push([n.label, toNested(v)]);
        if (d) grads.push([n.label, toNested(d)]);
      }
    }
    const current = this.currentNode();
    return {
      uri: this.uri,
      cursor: s?.cursor ?? 0,
      totalSteps: s?.totalSteps ?? 0,
      forwardSteps: s?.forwardSteps ?? 0,
      phase: s?.phase ?? 'forward',
      expanded: this.expanded,
      current: current === null || !g ? null : g.nodes[current].label,
      nodeCount: g?.nodes.length ?? 0,
      values: Object.fromEntries(values),
      grads: Object.fromEntries(grads),
    };
  }

  /**
   * Runs the whole pass once (the stepper records every step, so stepping later recomputes nothing)
   * and adds a warning diagnostic at each node where a NaN or ±Infinity first appears.
   */
  private findNonFinite(graph: Graph, stepper: StepperPort): void {
    this.nonFiniteAt = new Map();
    let reports: readonly NonFiniteReport[];
    try {
      reports = stepper.nonFiniteOfAllSteps();
    } catch {
      return; // a step that throws is reported when the cursor reaches it
    }
    const warnings: SourceDiagnostic[] = [];
    for (const r of reports) {
      const node = graph.nodes[r.nodeId];
      if (!node) continue;
      const shape = r.phase === 'backward' ? (graph.nodes[node.inputs[r.arg ?? 0]]?.shape ?? []) : node.shape;
      const message = nonFiniteMessage(graph, r, { shape });
      if (!this.nonFiniteAt.has(node.id)) this.nonFiniteAt.set(node.id, { phase: r.phase, message });
      warnings.push({ message, range: node.range, severity: 'warning' });
    }
    if (warnings.length > 0) this.diagnostics = [...this.diagnostics, ...warnings];
  }

  /** The first non-finite report at a node, if any (see `findNonFinite`). */
  nonFiniteOf(id: number): { phase: NonFiniteReport['phase']; message: string } | undefined {
    return this.nonFiniteAt.get(id);
  }

  private install(graph: Graph, stepper: StepperPort, key: string): void {
    this.graph = graph;
    this.stepper = stepper;
    this.layoutKey = key;
    this.byLabel = new Map(graph.nodes.map((n) => [n.label, n]));
  }

  /** Where the cursor should be on a new graph, given where it is on the current one. */
  private mapCursor(graph: Graph, stepper: StepperPort, layoutChanged: boolean): number {
    const old = this.stepper;
    if (!old) return 0;
    const c = old.cursor;
    if (!layoutChanged) return Math.min(c, stepper.totalSteps);
    if (c === 0) return 0;
    if (c >= old.totalSteps) return stepper.totalSteps;
    if (c === old.forwardSteps) return stepper.forwardSteps;
    const backward = c > old.forwardSteps;
    const current = this.currentNode();
    const label = current === null ? undefined : this.graph?.nodes[current]?.label;
    const same = label === undefined ? undefined : graph.nodes.find((n) => n.label === label && n.op !== 'leaf');
    if (same) {
      const s = stepper.stepOfNode(same.id, backward ? 'backward' : 'forward');
      if (s >= 0) return s + 1;
    }
    if (!backward) return Math.min(c, stepper.forwardSteps);
    return Math.min(stepper.forwardSteps + (c - old.forwardSteps), stepper.totalSteps);
  }

  private safeGoTo(step: number): void {
    try {
      this.stepper?.goTo(step);
      this.runtimeError = undefined;
    } catch (e) {
      // The engine keeps its state consistent on a thrown step; the host shows the message.
      this.runtimeError = e instanceof Error ? e.message : String(e);
    }
  }

  private safeRead<T>(read: () => T | undefined): T | undefined {
    try {
      return read();
    } catch {
      return undefined;
    }
  }
}

function internalError(e: unknown): SourceDiagnostic {
  const message = e instanceof Error ? e.message : String(e);
  return {
    message: `internal error: ${message}`,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
    severity: 'error',
  };
}
