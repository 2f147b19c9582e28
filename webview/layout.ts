/**
 * Left-to-right layout of the computational graph with dagre, like the book's figures: inputs on
 * the left, the output on the right, each edge with room for its value above and gradient below.
 * Computed once per `layoutKey` (the graph's shape), never per step.
 */
import dagre from '@dagrejs/dagre';
import type { GraphInfo, NodeInfo } from '../src/shared/protocol';
import { edgeKey } from './model';

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
}

export interface GraphLayout {
  nodes: Map<number, NodeBox>;
  edges: Map<string, EdgePath>;
  /** The arrow leaving the output node to the right. */
  output: EdgePath;
  width: number;
  height: number;
}

export type MeasureText = (text: string, kind: 'symbol' | 'leaf') => number;

export const CIRCLE_RADIUS = 20;
const NAME_SPACE = 16;
const BOX_HEIGHT = 34;
const LEAF_HEIGHT = 24;
const LABEL_WIDTH = 64;
const LABEL_HEIGHT = 38;
const OUTPUT_STUB = 84;

/** Short symbols (×, +, σ) sit in a circle as in the book; longer ones (ReLU, Affine) in a box. */
export function nodeShape(node: NodeInfo): NodeShape {
  if (node.leaf) return 'leaf';
  return [...node.symbol].length <= 2 ? 'circle' : 'box';
}

/** The text drawn for a leaf: its name, or its value for an unnamed constant. */
export function leafText(node: NodeInfo): string {
  return node.label;
}

function nodeSize(node: NodeInfo, measure: MeasureText): { shape: NodeShape; width: number; height: number; layoutHeight: number } {
  const shape = nodeShape(node);
  if (shape === 'leaf') {
    const width = Math.max(24, measure(leafText(node), 'leaf') + 18);
    return { shape, width, height: LEAF_HEIGHT, layoutHeight: LEAF_HEIGHT };
  }
  const nameRoom = node.name ? 2 * NAME_SPACE : 0;
  if (shape === 'circle') {
    const d = 2 * CIRCLE_RADIUS;
    return { shape, width: d, height: d, layoutHeight: d + nameRoom };
  }
  const width = Math.max(48, measure(node.symbol, 'symbol') + 24);
  return { shape, width, height: BOX_HEIGHT, layoutHeight: BOX_HEIGHT + nameRoom };
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

export function computeLayout(graph: GraphInfo, measure: MeasureText): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 30, edgesep: 14, marginx: 24, marginy: 24 });
  g.setDefaultEdgeLabel(() => ({}));
  const sizes = new Map<number, ReturnType<typeof nodeSize>>();
  for (const node of graph.nodes) {
    const size = nodeSize(node, measure);
    sizes.set(node.id, size);
    g.setNode(String(node.id), { width: size.width, height: size.layoutHeight });
  }
  for (const node of graph.nodes) {
    node.inputs.forEach((from, index) => {
      g.setEdge(String(from), String(node.id), { width: LABEL_WIDTH, height: LABEL_HEIGHT, labelpos: 'c', minlen: 1 }, edgeKey(node.id, index));
    });
  }
  dagre.layout(g);

  const nodes = new Map<number, NodeBox>();
  for (const node of graph.nodes) {
    const laid = g.node(String(node.id));
    const size = sizes.get(node.id);
    if (!laid || !size) continue;
    nodes.set(node.id, { id: node.id, shape: size.shape, x: laid.x ?? 0, y: laid.y ?? 0, width: size.width, height: size.height });
  }

  const edges = new Map<string, EdgePath>();
  for (const e of g.edges()) {
    const label = g.edge(e);
    const key = e.name ?? '';
    const from = nodes.get(Number(e.v));
    const to = nodes.get(Number(e.w));
    if (!from || !to) continue;
    const inner = flattenAtLabel((label.points ?? []).slice(1, -1), label.x, label.y);
    const first = clipToShape(from, inner[0] ?? to);
    const last = clipToShape(to, inner[inner.length - 1] ?? from);
    const points = [first, ...inner, last];
    const mid = label.x !== undefined && label.y !== undefined ? { x: label.x, y: label.y } : midpoint(points);
    edges.set(key, { key, points, label: mid });
  }

  const out = nodes.get(graph.output);
  const outStart = out ? { x: out.x + out.width / 2 + 1, y: out.y } : { x: 0, y: 0 };
  const outEnd = { x: outStart.x + OUTPUT_STUB, y: outStart.y };
  const output: EdgePath = { key: 'output', points: [outStart, outEnd], label: { x: (outStart.x + outEnd.x) / 2, y: outStart.y } };

  const gl = g.graph();
  const width = Math.max(gl.width ?? 0, outEnd.x + 24);
  const height = gl.height ?? 0;
  return { nodes, edges, output, width, height };
}

/**
 * Replaces the bend point at the edge's label with a short horizontal run, so the value sits
 * above a level arrow and the gradient below it, as in the book's figures.
 */
function flattenAtLabel(inner: Point[], lx: number | undefined, ly: number | undefined): Point[] {
  if (lx === undefined || ly === undefined || inner.length === 0) return inner;
  let best = 0;
  for (let i = 1; i < inner.length; i++) {
    if (Math.hypot(inner[i].x - lx, inner[i].y - ly) < Math.hypot(inner[best].x - lx, inner[best].y - ly)) best = i;
  }
  const half = LABEL_WIDTH / 2 - 4;
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
