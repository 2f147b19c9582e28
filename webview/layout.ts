/**
 * Left-to-right layout of the computational graph with dagre, like the book's figures: inputs on
 * the left, the output on the right, each edge with room for its value above and gradient below.
 * Computed once per `layoutKey` (the graph's shape), never per step.
 */
import dagre from '@dagrejs/dagre';
import type { GraphInfo, NodeInfo } from '../src/shared/protocol';
import { edgeKey } from './model';
import { inlineGrid, labelWidestLine } from './tensorFormat';

export type NodeShape = 'circle' | 'box' | 'leaf';

export interface Point {
  x: number;
  y: number;
}

export interface NodeBox {
  id: number;
  shape: NodeShape;
  /** Centre. */
  x: number;
  y: number;
  /** Size of the drawn shape (circle: 2r). */
  width: number;
  height: number;
}

export interface EdgePath {
  key: string;
  points: Point[];
  /** Where the value (above) and the gradient (below) are written. */
  label: Point;
  /** The room reserved for the label around `label` (the value above, the gradient below). */
  labelBox: { width: number; height: number };
  /**
   * A constant folded into its consumer (the book's "×" with −1 written beside it): a short stub
   * into the node from above, its value written at the top, no node of its own.
   */
  folded?: boolean;
}

/**
 * A small repeated copy of a producer drawn next to one far-away consumer (no `data-node`: the
 * producer itself is drawn once). Its edge keeps its key and runs from the copy to the consumer.
 */
export interface GhostBox {
  /** The producer this copy stands for. */
  of: number;
  /** The edge it feeds (`edgeKey(to, index)`). */
  edge: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphLayout {
  nodes: Map<number, NodeBox>;
  /** Copies of producers for edges too long to route (empty for ordinary graphs). */
  ghosts: GhostBox[];
  edges: Map<string, EdgePath>;
  /** The arrow leaving the output node to the right. */
  output: EdgePath;
  width: number;
  height: number;
}

/** Width of text in the panel's fonts: symbols in nodes, leaf names, and the monospace edge labels. */
export type MeasureText = (text: string, kind: 'symbol' | 'leaf' | 'mono') => number;

export const CIRCLE_RADIUS = 20;
/** Empty room around the drawing (dagre's margins). */
export const LAYOUT_MARGIN = 24;
const NAME_SPACE = 20;
const BOX_HEIGHT = 34;
const LEAF_HEIGHT = 24;
const LABEL_WIDTH = 64;
/** One line of an edge label (13 px monospace). */
export const LABEL_LINE = 15;
/** Gap between the arrow and the first line above (value) or below (gradient). */
export const LABEL_GAP = 6;
/** Room for the "∂" written before a gradient. */
const PARTIAL_WIDTH = 12;
/** Height of the shape badge drawn instead of a big tensor's numbers. */
export const CHIP_HEIGHT = 17;
/** Length of the stub that brings a folded constant into its consumer. */
export const CONST_STUB = 30;

/**
 * The room an edge's label needs for a producer of this shape: its numbers written out (worst case,
 * so stepping never outgrows the layout) or a shape badge, the value above and the gradient below.
 */
export function labelSize(shape: readonly number[], measure: MeasureText): { width: number; height: number; rows: number } {
  const widest = labelWidestLine(shape);
  const grid = inlineGrid(shape);
  if (widest === undefined || grid === undefined) {
    const width = Math.max(LABEL_WIDTH, measure(shape.join('×'), 'mono') + PARTIAL_WIDTH + 16);
    return { width, height: 2 * (CHIP_HEIGHT + LABEL_GAP) + 4, rows: 1 };
  }
  const width = Math.max(LABEL_WIDTH, measure(widest, 'mono') + PARTIAL_WIDTH + 10);
  return { width, height: 2 * (grid.rows * LABEL_LINE + LABEL_GAP) + 4, rows: grid.rows };
}
const OUTPUT_STUB = 84;

/** Horizontal room of one folded constant's number (a scalar label at its widest). */
function stubSpread(measure: MeasureText): number {
  return measure(labelWidestLine([]) ?? '0', 'mono') + 8;
}

/**
 * An unnamed scalar constant used by one node only (the −1 and the 1 of the expanded sigmoid, a
 * literal in `x * 2`): drawn as a number beside its consumer, as in the book, not as a leaf.
 */
export function foldedConstants(graph: GraphInfo): Set<number> {
  const uses = new Map<number, number>();
  for (const n of graph.nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  const out = new Set<number>();
  for (const n of graph.nodes) {
    const size = n.shape.reduce((a, b) => a * b, 1);
    if (n.leaf && n.constant && n.name === undefined && size === 1 && uses.get(n.id) === 1 && n.id !== graph.output) out.add(n.id);
  }
  return out;
}

/**
 * The symbol drawn in a node, as the book's figures draw it: "/" for the reciprocal of the
 * expanded sigmoid (figure 5-19), else the op's own symbol (×, +, exp, **2, ReLU, …).
 */
export function displaySymbol(node: NodeInfo): string {
  return node.op === 'recip' ? '/' : node.symbol;
}

/** Circles as in the book: short symbols (×, +, σ, /) and exp, log, **2; longer ones (ReLU, Affine) in a box. */
export function nodeShape(node: NodeInfo): NodeShape {
  if (node.leaf) return 'leaf';
  const symbol = displaySymbol(node);
  return [...symbol].length <= 2 || node.op === 'exp' || node.op === 'log' || (node.op === 'pow' && [...symbol].length <= 3) ? 'circle' : 'box';
}

/** The text drawn for a leaf: its name, or its value for an unnamed constant. */
export function leafText(node: NodeInfo): string {
  return node.label;
}

function nodeSize(node: NodeInfo, measure: MeasureText): { shape: NodeShape; width: number; height: number; layoutHeight: number; layoutWidth: number } {
  const shape = nodeShape(node);
  if (shape === 'leaf') {
    const width = Math.max(24, measure(leafText(node), 'leaf') + 18);
    return { shape, width, height: LEAF_HEIGHT, layoutHeight: LEAF_HEIGHT, layoutWidth: width };
  }
  const nameRoom = node.name ? 2 * NAME_SPACE : 0;
  // The name under the node must not reach its neighbours: the node claims its width.
  const nameWidth = node.name ? measure(node.name, 'leaf') + 8 : 0;
  if (shape === 'circle') {
    const d = 2 * CIRCLE_RADIUS;
    return { shape, width: d, height: d, layoutHeight: d + nameRoom, layoutWidth: Math.max(d, nameWidth) };
  }
  const width = Math.max(48, measure(displaySymbol(node), 'symbol') + 24);
  return { shape, width, height: BOX_HEIGHT, layoutHeight: BOX_HEIGHT + nameRoom, layoutWidth: Math.max(width, nameWidth) };
}

/** Moves `p` (the end of an edge at node `box`) onto the drawn outline, towards `toward`. */
function clipToShape(box: NodeBox, toward: Point): Point {
  const dx = toward.x - box.x;
  const dy = toward.y - box.y;
  const len = Math.hypot(dx, dy) || 1;
  if (box.shape === 'circle') {
    const r = box.width / 2 + 1;
    return { x: box.x + (dx / len) * r, y: box.y + (dy / len) * r };
  }
  // Rectangle: scale the direction until it meets a side.
  const hw = box.width / 2 + 1;
  const hh = box.height / 2 + 1;
  const s = Math.min(dx === 0 ? Infinity : hw / Math.abs(dx), dy === 0 ? Infinity : hh / Math.abs(dy));
  return { x: box.x + dx * s, y: box.y + dy * s };
}

/** An edge spanning more ranks than this may be drawn from a ghost copy instead. */
export const LONG_SPAN = 3;
/**
 * How many dummy nodes dagre may insert (one per rank an edge crosses) before long edges leave its
 * graph. Dagre's ordering grows much faster than linearly in them: 1.6 million never finish.
 */
export const DUMMY_BUDGET = 2000;
/**
 * Past this many ranks dagre's own ranking, acyclic pass and initial ordering (all recursive) may
 * overflow the stack, and its crossing minimisation costs seconds: we rank and order ourselves.
 */
const DEEP_RANKS = 300;

/**
 * Rank of every node as the drawing shows it left to right: an operation one more than its highest
 * input (longest path from the leaves), a leaf one rank before its first consumer (as dagre draws
 * it: a constant sits next to the node that uses it, not at the far left). Unknown inputs count as
 * rank 0; the graph is acyclic, so every node gets a rank.
 */
export function longestPathRanks(graph: GraphInfo): Map<number, number> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const rank = new Map<number, number>();
  const pending = new Map<number, number>();
  const consumers = new Map<number, number[]>();
  const ready: number[] = [];
  for (const n of graph.nodes) {
    const known = n.inputs.filter((i) => byId.has(i));
    pending.set(n.id, known.length);
    for (const i of known) {
      const list = consumers.get(i);
      if (list) list.push(n.id);
      else consumers.set(i, [n.id]);
    }
    if (known.length === 0) ready.push(n.id);
  }
  while (ready.length) {
    const id = ready.pop() as number;
    let r = 0;
    for (const i of byId.get(id)?.inputs ?? []) r = Math.max(r, (rank.get(i) ?? -1) + 1);
    rank.set(id, r);
    for (const c of consumers.get(id) ?? []) {
      const left = (pending.get(c) ?? 1) - 1;
      pending.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  for (const n of graph.nodes) if (!rank.has(n.id)) rank.set(n.id, 0);
  // Sources move right, next to their first consumer.
  for (const n of graph.nodes) {
    if (n.inputs.length) continue;
    const uses = consumers.get(n.id);
    if (uses?.length) rank.set(n.id, Math.max(0, Math.min(...uses.map((c) => rank.get(c) ?? 1)) - 1));
  }
  return rank;
}

/**
 * The edges (by key) that dagre must not route because together they would cross too many ranks.
 * Empty when the whole graph fits the budget, so every ordinary graph is laid out as before.
 */
export function ghostEdges(graph: GraphInfo, rank = longestPathRanks(graph)): Set<string> {
  const spans: { key: string; span: number }[] = [];
  for (const node of graph.nodes) {
    node.inputs.forEach((from, index) => {
      spans.push({ key: edgeKey(node.id, index), span: (rank.get(node.id) ?? 0) - (rank.get(from) ?? 0) });
    });
  }
  const dummies = (limit: number): number => spans.reduce((sum, e) => sum + (e.span <= limit ? Math.max(0, e.span - 1) : 0), 0);
  if (dummies(Infinity) <= DUMMY_BUDGET) return new Set();
  // Long edges first; if the short ones alone still exceed the budget, every edge longer than one rank.
  const limit = dummies(LONG_SPAN) <= DUMMY_BUDGET ? LONG_SPAN : 1;
  return new Set(spans.filter((e) => e.span > limit).map((e) => e.key));
}

function ghostId(key: string): string {
  return `ghost:${key}`;
}

type DagreGraph = InstanceType<typeof dagre.graphlib.Graph>;

/**
 * Dagre's initial order (each rank filled in depth-first order from the lowest-ranked nodes), but
 * with an explicit stack, so a chain thousands of ranks deep cannot overflow the call stack.
 */
function depthFirstOrder(g: DagreGraph): void {
  const rankOf = (v: string): number => (g.node(v) as { rank?: number }).rank ?? 0;
  const starts = g.nodes().filter((v) => !(g.children(v) ?? []).length);
  starts.sort((a, b) => rankOf(a) - rankOf(b));
  const layers: string[][] = [];
  const seen = new Set<string>();
  for (const start of starts) {
    const stack = [start];
    while (stack.length) {
      const v = stack.pop() as string;
      if (seen.has(v)) continue;
      seen.add(v);
      (layers[rankOf(v)] ??= []).push(v);
      const next = g.successors(v) ?? [];
      for (let i = next.length - 1; i >= 0; i--) if (!seen.has(next[i])) stack.push(next[i]);
    }
  }
  for (const layer of layers) layer?.forEach((v, i) => ((g.node(v) as { order?: number }).order = i));
}

export function computeLayout(graph: GraphInfo, measure: MeasureText): GraphLayout {
  const rank = longestPathRanks(graph);
  const ghostKeys = ghostEdges(graph, rank);
  const deep = ghostKeys.size > 0 || Math.max(0, ...rank.values()) > DEEP_RANKS;
  const g = new dagre.graphlib.Graph({ multigraph: true });
  const options = { rankdir: 'LR', nodesep: 22, ranksep: 30, edgesep: 14, marginx: LAYOUT_MARGIN, marginy: LAYOUT_MARGIN };
  // Deep graphs: our ranks (doubled: dagre puts edge labels on ranks of their own), an iterative
  // acyclic pass, and each node aligned with its upper neighbour, which keeps a long chain on one
  // straight line with its ghost inputs beside it (balancing the four alignments makes it drift).
  g.setGraph(deep ? { ...options, ranker: 'none', acyclicer: 'greedy', align: 'UL' } : options);
  g.setDefaultEdgeLabel(() => ({}));
  const folded = foldedConstants(graph);
  /** Consumer → its folded constants' edges, in argument order. */
  const stubs = new Map<number, { key: string; from: number }[]>();
  for (const node of graph.nodes) {
    node.inputs.forEach((from, index) => {
      if (!folded.has(from)) return;
      const list = stubs.get(node.id) ?? [];
      list.push({ key: edgeKey(node.id, index), from });
      stubs.set(node.id, list);
    });
  }
  const sizes = new Map<number, ReturnType<typeof nodeSize>>();
  for (const node of graph.nodes) {
    if (folded.has(node.id)) continue;
    const size = nodeSize(node, measure);
    sizes.set(node.id, size);
    // A folded constant's stub and number sit above the node: room above, and the same below to keep it centred.
    const stubRoom = stubs.has(node.id) ? 2 * (CONST_STUB + LABEL_LINE) : 0;
    const stubWidth = (stubs.get(node.id)?.length ?? 0) * stubSpread(measure);
    g.setNode(String(node.id), { width: Math.max(size.layoutWidth, stubWidth), height: size.layoutHeight + stubRoom, ...(deep ? { rank: 2 * (rank.get(node.id) ?? 0) } : {}) });
  }
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const labelSizes = new Map<string, { width: number; height: number }>();
  for (const node of graph.nodes) {
    node.inputs.forEach((from, index) => {
      const key = edgeKey(node.id, index);
      if (folded.has(from)) return;
      const producerShape = byId.get(from)?.shape ?? [];
      const lsize = labelSize(producerShape, measure);
      labelSizes.set(key, lsize);
      let source = String(from);
      const producer = byId.get(from);
      if (ghostKeys.has(key) && producer) {
        // A copy of the producer one rank before the consumer: no dummy chain.
        source = ghostId(key);
        const width = Math.max(24, measure(leafText(producer), 'leaf') + 18);
        g.setNode(source, { width, height: LEAF_HEIGHT, rank: 2 * ((rank.get(node.id) ?? 1) - 1) });
      }
      g.setEdge(source, String(node.id), { width: lsize.width, height: lsize.height, labelpos: 'c', minlen: 1 }, key);
    });
  }
  // Deep graphs skip crossing minimisation: its sweeps cost seconds there and recurse.
  if (deep) dagre.layout(g, { customOrder: (layered) => depthFirstOrder(layered) });
  else dagre.layout(g);

  const nodes = new Map<number, NodeBox>();
  for (const node of graph.nodes) {
    const laid = g.node(String(node.id));
    const size = sizes.get(node.id);
    if (!laid || !size) continue;
    nodes.set(node.id, { id: node.id, shape: size.shape, x: laid.x ?? 0, y: laid.y ?? 0, width: size.width, height: size.height });
  }

  const ghosts: GhostBox[] = [];
  const ghostBoxes = new Map<string, NodeBox>();
  for (const node of graph.nodes) {
    node.inputs.forEach((from, index) => {
      const key = edgeKey(node.id, index);
      const laid = ghostKeys.has(key) ? g.node(ghostId(key)) : undefined;
      if (!laid) return;
      const ghost: GhostBox = { of: from, edge: key, x: laid.x ?? 0, y: laid.y ?? 0, width: laid.width ?? 24, height: laid.height ?? LEAF_HEIGHT };
      ghosts.push(ghost);
      ghostBoxes.set(ghostId(key), { id: from, shape: 'leaf', x: ghost.x, y: ghost.y, width: ghost.width, height: ghost.height });
    });
  }

  const edges = new Map<string, EdgePath>();
  for (const e of g.edges()) {
    const label = g.edge(e);
    const key = e.name ?? '';
    const from = ghostBoxes.get(e.v) ?? nodes.get(Number(e.v));
    const to = nodes.get(Number(e.w));
    if (!from || !to) continue;
    const inner = flattenAtLabel((label.points ?? []).slice(1, -1), label.x, label.y, labelSizes.get(key)?.width ?? LABEL_WIDTH);
    const first = clipToShape(from, inner[0] ?? to);
    const last = clipToShape(to, inner[inner.length - 1] ?? from);
    const points = [first, ...inner, last];
    const mid = label.x !== undefined && label.y !== undefined ? { x: label.x, y: label.y } : midpoint(points);
    edges.set(key, { key, points, label: mid, labelBox: labelSizes.get(key) ?? { width: LABEL_WIDTH, height: 0 } });
  }
  // Folded constants: a stub from above into the consumer, side by side when there are several.
  for (const [consumer, list] of stubs) {
    const box = nodes.get(consumer);
    if (!box) continue;
    const spread = stubSpread(measure);
    list.forEach((st, i) => {
      const x = box.x + (i - (list.length - 1) / 2) * spread;
      const top = { x, y: box.y - box.height / 2 - CONST_STUB };
      const end = clipToShape(box, top);
      edges.set(st.key, { key: st.key, points: [top, end], label: { x, y: top.y + LABEL_GAP - 2 }, labelBox: { width: spread, height: LABEL_LINE }, folded: true });
    });
  }

  const out = nodes.get(graph.output);
  const outStart = out ? { x: out.x + out.width / 2 + 1, y: out.y } : { x: 0, y: 0 };
  const outLabel = labelSize(out ? (byId.get(graph.output)?.shape ?? []) : [], measure);
  const outEnd = { x: outStart.x + Math.max(OUTPUT_STUB, outLabel.width + 8), y: outStart.y };
  const output: EdgePath = { key: 'output', points: [outStart, outEnd], label: { x: (outStart.x + outEnd.x) / 2, y: outStart.y }, labelBox: outLabel };

  const gl = g.graph();
  const laid: GraphLayout = { nodes, ghosts, edges, output, width: Math.max(gl.width ?? 0, outEnd.x + LAYOUT_MARGIN), height: gl.height ?? 0 };
  fitBounds(laid, sizes);
  return laid;
}

/**
 * Makes the drawing's box hold everything drawn with a margin all round: every node with its name,
 * every label's reserved room (dagre's own box may end a few pixels inside a label at the edge).
 */
function fitBounds(l: GraphLayout, sizes: ReadonlyMap<number, { layoutWidth: number; layoutHeight: number }>): void {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const add = (x: number, y: number, w: number, h: number): void => {
    minX = Math.min(minX, x - w / 2);
    maxX = Math.max(maxX, x + w / 2);
    minY = Math.min(minY, y - h / 2);
    maxY = Math.max(maxY, y + h / 2);
  };
  for (const b of l.nodes.values()) {
    const s = sizes.get(b.id);
    add(b.x, b.y, Math.max(b.width, s?.layoutWidth ?? 0), Math.max(b.height, s?.layoutHeight ?? 0));
  }
  for (const gh of l.ghosts) add(gh.x, gh.y, gh.width, gh.height);
  for (const e of [...l.edges.values(), l.output]) {
    add(e.label.x, e.label.y, e.labelBox.width, e.labelBox.height);
    if (e.folded) add(e.label.x, e.label.y - LABEL_LINE, e.labelBox.width, LABEL_LINE * 2);
  }
  if (!Number.isFinite(minX)) return;
  const dx = Math.max(0, LAYOUT_MARGIN - minX);
  const dy = Math.max(0, LAYOUT_MARGIN - minY);
  if (dx || dy) {
    const move = (p: Point): void => {
      p.x += dx;
      p.y += dy;
    };
    for (const b of l.nodes.values()) move(b);
    for (const gh of l.ghosts) move(gh);
    for (const e of [...l.edges.values(), l.output]) {
      e.points.forEach(move);
      move(e.label);
    }
  }
  l.width = Math.max(l.width + dx, maxX + dx + LAYOUT_MARGIN);
  l.height = Math.max(l.height + dy, maxY + dy + LAYOUT_MARGIN);
}

/**
 * Replaces the bend point at the edge's label with a short horizontal run, so the value sits
 * above a level arrow and the gradient below it, as in the book's figures.
 */
function flattenAtLabel(inner: Point[], lx: number | undefined, ly: number | undefined, width: number): Point[] {
  if (lx === undefined || ly === undefined || inner.length === 0) return inner;
  let best = 0;
  for (let i = 1; i < inner.length; i++) {
    if (Math.hypot(inner[i].x - lx, inner[i].y - ly) < Math.hypot(inner[best].x - lx, inner[best].y - ly)) best = i;
  }
  const half = width / 2 - 4;
  return [...inner.slice(0, best), { x: lx - half, y: ly }, { x: lx + half, y: ly }, ...inner.slice(best + 1)];
}

function midpoint(points: readonly Point[]): Point {
  const a = points[0];
  const b = points[points.length - 1];
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/**
 * Keeps a few layouts by key, so toggling composite layers back and forth (or re-sending the same
 * graph after an edit that changed only numbers) reuses the layout.
 */
export class LayoutCache {
  private readonly entries = new Map<string, GraphLayout>();
  constructor(private readonly capacity = 4) {}

  has(layoutKey: string): boolean {
    return this.entries.has(layoutKey);
  }

  get(graph: GraphInfo, measure: MeasureText): { layout: GraphLayout; reused: boolean } {
    const hit = this.entries.get(graph.layoutKey);
    if (hit) {
      this.entries.delete(graph.layoutKey);
      this.entries.set(graph.layoutKey, hit);
      return { layout: hit, reused: true };
    }
    const layout = computeLayout(graph, measure);
    this.entries.set(graph.layoutKey, layout);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return { layout, reused: false };
  }
}
