/**
 * What the debugger needs to know about one compiled graph, computed once per graph: the node and
 * source line of every step, where a line is entered (its breakpoints hit there), the named nodes
 * and how frames are titled. Pure.
 */
import type { Graph, GraphNode, SourceRange } from '../engine/graph';
import type { DebugStepper } from './target';

export class ProgramIndex {
  /** Per step: the node it runs. */
  readonly stepNode: Int32Array;
  /** Per step: the 1-based source line of its node. */
  readonly stepLine: Int32Array;
  /**
   * Per step: whether it enters its line (the step before it ran another line, or a pass starts
   * here). A line breakpoint hits at these steps only, so a line with several nodes (`y = a * b +
   * c`) stops once per pass.
   */
  readonly entry: Uint8Array;
  /** Line → the steps that enter it, in step order (two per pass-entry: forward, backward). */
  readonly entriesByLine = new Map<number, number[]>();
  /** Line → a named leaf defined there (an input: no step). */
  readonly leafByLine = new Map<number, GraphNode>();
  /** Named nodes in id order. */
  readonly named: readonly GraphNode[];
  private readonly byName = new Map<string, GraphNode>();
  private readonly byLabel = new Map<string, GraphNode>();
  private readonly lines: string[];

  constructor(
    readonly graph: Graph,
    stepper: DebugStepper,
    source: string,
  ) {
    const total = stepper.totalSteps;
    const forward = stepper.forwardSteps;
    this.stepNode = new Int32Array(total);
    this.stepLine = new Int32Array(total);
    this.entry = new Uint8Array(total);
    for (const n of graph.nodes) {
      this.byLabel.set(n.label, n);
      if (n.name !== undefined) this.byName.set(n.name, n);
      if (n.op === 'leaf') {
        if (n.name !== undefined) this.leafByLine.set(n.range.start.line, n);
        continue;
      }
      for (const phase of ['forward', 'backward'] as const) {
        const s = stepper.stepOfNode(n.id, phase);
        if (s < 0 || s >= total) continue;
        this.stepNode[s] = n.id;
        this.stepLine[s] = n.range.start.line;
      }
    }
    for (let s = 0; s < total; s++) {
      const enters = s === 0 || s === forward || this.stepLine[s - 1] !== this.stepLine[s];
      if (!enters) continue;
      this.entry[s] = 1;
      const line = this.stepLine[s];
      const list = this.entriesByLine.get(line);
      if (list) list.push(s);
      else this.entriesByLine.set(line, [s]);
    }
    this.named = graph.nodes.filter((n) => n.name !== undefined);
    this.lines = source.split(/\r?\n/);
  }

  /** The node a name (or a generated label such as `mul1`) refers to. */
  lookup(name: string): GraphNode | undefined {
    return this.byName.get(name) ?? this.byLabel.get(name);
  }

  /** The source text of a range (joined with spaces when it spans lines). */
  textOf(range: SourceRange): string {
    const { start, end } = range;
    if (start.line === end.line) return (this.lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1);
    const parts = [(this.lines[start.line - 1] ?? '').slice(start.column - 1)];
    for (let l = start.line + 1; l < end.line; l++) parts.push(this.lines[l - 1] ?? '');
    parts.push((this.lines[end.line - 1] ?? '').slice(0, end.column - 1));
    return parts.map((p) => p.trim()).join(' ');
  }

  /**
   * What a frame calls a node: `all_price = apple_price + orange_price`; a primitive of an expanded
   * composite says which composite it belongs to: `y.exp (exp in sigmoid(x))`.
   */
  describe(node: GraphNode): string {
    const text = this.textOf(node.range);
    if (node.expandedFrom !== undefined) return `${node.label} (${node.op} in ${text})`;
    return `${node.label} = ${text}`;
  }
}
