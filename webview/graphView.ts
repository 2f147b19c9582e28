/**
 * The computational graph drawn as SVG like the book's figures: circles with ×, +, σ for operation
 * nodes, boxes for layers (ReLU, Affine, …), leaf inputs as labelled starting points on the left,
 * each arrow with its forward value above and, once known, its gradient below (with a thin
 * backward arrow, as the book draws backward values in red under the forward ones).
 *
 * DOM contract (tests read it): nodes `data-node`, `data-value`, `data-grad`, `data-current`,
 * `aria-selected`; edges `data-edge="FROM->TO:ARG"`, `data-value`, `data-grad`.
 */
import type { NodeInfo, TensorData } from '../src/shared/protocol';
import { t } from './i18n';
import { CHIP_HEIGHT, CIRCLE_RADIUS, type EdgePath, type GhostBox, type GraphLayout, LABEL_GAP, LAYOUT_MARGIN, LABEL_LINE, type MeasureText, type NodeBox, type Point, displaySymbol, leafText } from './layout';
import { type Changes, type EdgeRef, PanelModel, edgeKey } from './model';
import { PanZoom, type View } from './panZoom';
import { inlineGrid, inlineText, labelLines, previewText, shapeText, tensorJson } from './tensorFormat';

const SVG_NS = 'http://www.w3.org/2000/svg';
/**
 * Above this many nodes nothing moves by itself: no fade-in of new values, no CSS transition (the
 * `animated` class is off). Every running animation renders the panel again each frame, and the
 * frames of a big graph would still be running when the next key comes. Below it, motion is the
 * host's choice (`setMotion`: the `backprop.panel.animate` setting, off by default, for the same
 * reason on a smaller scale: in code-server a key pressed during a fade waited ~30 ms for it).
 */
export const MOTION_LIMIT = 200;
/**
 * The drawing is cut into square tiles of this many graph units, one group per tile in each layer.
 * On a graph above MOTION_LIMIT nodes the tiles away from the view are not rendered (display:
 * none; they stay in the DOM with every data attribute): Chromium paints and layerizes a whole SVG
 * again on any change inside it, so a step on a big graph paints what is near the view only.
 */
const TILE = 512;
/** Rendered around the view on each side, in view sizes: the next steps' nodes are there already. */
const CULL_MARGIN = 0.25;

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface Tile {
  g: SVGGElement;
  /** What the tile's children cover, graph units (labels with their reserved room). */
  box: Box;
  culled: boolean;
}

type Attrs = Record<string, string | number>;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

function pathData(points: readonly { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const [p0, ...rest] = points;
  let d = `M${r1(p0.x)},${r1(p0.y)}`;
  if (rest.length === 1) return `${d}L${r1(rest[0].x)},${r1(rest[0].y)}`;
  // Smooth through dagre's bend points: quadratic curves between midpoints.
  for (let i = 0; i < rest.length - 1; i++) {
    const c = rest[i];
    const n = rest[i + 1];
    const mx = i === rest.length - 2 ? n.x : (c.x + n.x) / 2;
    const my = i === rest.length - 2 ? n.y : (c.y + n.y) / 2;
    d += `Q${r1(c.x)},${r1(c.y)} ${r1(mx)},${r1(my)}`;
  }
  return d;
}

function r1(v: number): number {
  return Math.round(v * 10) / 10;
}

interface LabelEls {
  value: SVGTextElement;
  chip: SVGRectElement | undefined;
  grad: SVGTextElement;
  /** Where the label is written: x, the arrow's y, and whether numbers or a badge. */
  at: { x: number; y: number; folded: boolean };
  /** Tooltips on the arrow and on its labels (full values, previews of tensors). */
  titles: SVGTitleElement[];
}

interface EdgeEls extends LabelEls {
  g: SVGGElement;
  ref: EdgeRef;
}

interface NodeEls {
  g: SVGGElement;
  title: SVGTitleElement;
  box: NodeBox;
}

export interface GraphViewCallbacks {
  onSelect(id: number): void;
  onReveal(id: number): void;
  onViewChange(view: View): void;
}

export class GraphView {
  readonly svg: SVGSVGElement;
  readonly panZoom: PanZoom;
  private readonly layer: SVGGElement;
  /** Above everything, never hit: the ring around the current node (so no node is re-ordered to show it). */
  private overlay: SVGGElement | undefined;
  private ring: SVGElement | undefined;
  private tiles: Tile[] = [];
  /** Fade-ins and transitions allowed (the host's `motion` message; off until it says so). */
  private motion = false;
  private culling = false;
  /** The SVG's size in CSS px (ResizeObserver), so culling never forces a layout. */
  private size: { width: number; height: number } | undefined;
  private nodeEls = new Map<number, NodeEls>();
  /** Edge group → its group in the label layer. */
  private labelGroups = new WeakMap<SVGGElement, SVGGElement>();
  private edgeEls = new Map<string, EdgeEls>();
  private output: (LabelEls & { g: SVGGElement }) | undefined;
  private layout: GraphLayout | undefined;
  private currentId: number | null = null;
  private selectedId: number | null = null;
  private focusId: number | null = null;

  constructor(
    container: HTMLElement,
    private readonly model: PanelModel,
    private readonly measure: MeasureText,
    private readonly callbacks: GraphViewCallbacks,
  ) {
    this.svg = svg('svg', { class: 'graph', role: 'group' });
    this.svg.setAttribute('aria-label', t('graph'));
    const defs = svg('defs', {}, this.svg);
    // Arrow heads take their colour from CSS (fill: context-stroke is not in Chromium yet).
    for (const [id, cls] of [
      ['bp-arrow', 'arrow-head'],
      ['bp-arrow-grad', 'arrow-head grad'],
    ]) {
      const marker = svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse' }, defs);
      svg('path', { d: 'M0,0L10,5L0,10z', class: cls }, marker);
    }
    this.layer = svg('g', { class: 'viewport' }, this.svg);
    // A box of its own size (CSS: contain: strict) holding the SVG out of the flow: what changes
    // around it (caption, detail pane) never lays out the drawing again, and what changes inside
    // the drawing never lays out the page.
    const box = document.createElement('div');
    box.className = 'graph-box';
    box.appendChild(this.svg);
    container.appendChild(box);
    // Its size in pixels, not the default 100 %: an SVG sized in percent lays out every element
    // again whenever the page lays it out (the percentage might have changed).
    new ResizeObserver(() => {
      this.size = { width: box.clientWidth, height: box.clientHeight };
      const w = String(Math.round(box.clientWidth));
      const h = String(Math.round(box.clientHeight));
      if (this.svg.getAttribute('width') !== w) this.svg.setAttribute('width', w);
      if (this.svg.getAttribute('height') !== h) this.svg.setAttribute('height', h);
      this.cull();
    }).observe(box);
    this.panZoom = new PanZoom(
      this.svg,
      this.layer,
      (v) => {
        this.cull();
        callbacks.onViewChange(v);
      },
      () => this.size,
    );

    this.svg.addEventListener('click', (e) => {
      if (this.panZoom.suppressClick) return;
      const id = this.nodeIdOf(e.target);
      if (id !== undefined) callbacks.onSelect(id);
    });
    this.svg.addEventListener('dblclick', (e) => {
      const id = this.nodeIdOf(e.target);
      if (id !== undefined) callbacks.onReveal(id);
    });
    this.svg.addEventListener('keydown', (e) => this.onKeyDown(e));
  }

  private nodeIdOf(target: EventTarget | null): number | undefined {
    const el = target instanceof Element ? target.closest('[data-node-id]') : null;
    const id = el?.getAttribute('data-node-id');
    return id === null || id === undefined ? undefined : Number(id);
  }

  /** Draws the whole graph (a new `graph` message). Keeps the view when `keepView`. */
  render(layout: GraphLayout, keepView: boolean, view?: View): void {
    this.layout = layout;
    this.layer.replaceChildren();
    this.nodeEls.clear();
    this.edgeEls.clear();
    this.hiddenKeys = new Set();
    const graph = this.model.graph;
    if (!graph) return;
    this.svg.removeAttribute('viewBox');
    this.tiles = [];
    // Tiles start culled on a big graph: only those the first view needs are ever laid out.
    this.culling = layout.nodes.size > MOTION_LIMIT;
    const tiled = (layer: SVGGElement): ((at: Point, box: Box) => SVGGElement) => tileLayer(layer, this.tiles, this.culling);
    const edgeLayer = tiled(svg('g', { class: 'edges' }, this.layer));
    // Copies of inputs drawn next to far-away consumers (layout.ts): decoration, the node is drawn once.
    const ghostLayer = tiled(svg('g', { class: 'ghosts', 'aria-hidden': 'true' }, this.layer));
    // Labels go above every line, so no arrow crosses a number, and below the nodes, so a label can
    // never take a node's clicks (the layout keeps them apart anyway).
    const labelLayer = tiled(svg('g', { class: 'labels', 'aria-hidden': 'true' }, this.layer));
    const nodeGroup = svg('g', { class: 'nodes', role: 'listbox' }, this.layer);
    nodeGroup.setAttribute('aria-label', t('nodes'));
    const nodeLayer = tiled(nodeGroup);
    this.overlay = svg('g', { class: 'overlay', 'aria-hidden': 'true' }, this.layer);
    this.ring = undefined;

    for (const ref of this.model.edges) {
      const path = layout.edges.get(edgeKey(ref.to, ref.index));
      const from = this.model.node(ref.from);
      const to = this.model.node(ref.to);
      if (!path || !from || !to) continue;
      const g = svg('g', { class: 'edge', 'data-edge': `${from.label}->${to.label}:${ref.index}` }, edgeLayer(path.label, pathBox(path)));
      if (from.constant) g.classList.add('constant');
      const labels = this.drawArrow(g, path, from, labelLayer(path.label, labelBox(path)));
      this.edgeEls.set(path.key, { g, ref, ...labels });
    }

    const out = this.model.node(graph.output);
    if (out) {
      const g = svg('g', { class: 'edge output-edge', 'data-output': out.label }, edgeLayer(layout.output.label, pathBox(layout.output)));
      this.output = { g, ...this.drawArrow(g, layout.output, out, labelLayer(layout.output.label, labelBox(layout.output))) };
    }

    for (const node of graph.nodes) {
      const box = layout.nodes.get(node.id);
      if (!box) continue;
      this.nodeEls.set(node.id, { box, ...this.drawNode(nodeLayer(box, nodeBox(box)), node, box) });
    }
    for (const ghost of layout.ghosts) {
      const node = this.model.node(ghost.of);
      if (node) this.drawGhost(ghostLayer(ghost, nodeBox(ghost)), node, ghost);
    }
    this.svg.classList.toggle('animated', this.motion && !this.culling);

    this.panZoom.setContent(layout.width, layout.height, LAYOUT_MARGIN);
    this.svg.dataset.content = `${r1(layout.width)}x${r1(layout.height)}`;
    if (keepView && view) this.panZoom.set(view);
    else this.panZoom.initial(firstBox(layout));
    this.selectedId = null;
    this.currentId = null;
    this.focusId = null;
    this.refreshAll();
  }

  private drawArrow(g: SVGGElement, path: EdgePath, from: NodeInfo, labelParent: SVGGElement): LabelEls {
    const d = pathData(path.points);
    svg('path', { class: 'edge-hit', d }, g);
    svg('path', { class: 'edge-line', d, 'marker-end': 'url(#bp-arrow)' }, g);
    if (path.folded) g.classList.add('folded');
    // The backward arrow: the same route a few pixels lower, pointing back to the producer.
    else svg('path', { class: 'edge-back', d, transform: 'translate(0 5)', 'marker-start': 'url(#bp-arrow-grad)' }, g);
    const { x, y } = path.label;
    // The label group mirrors the edge's classes (has-value, has-grad) for CSS.
    const lg = svg('g', { class: g.getAttribute('class') ?? 'edge' }, labelParent);
    const titles = [svg('title', {}, g), svg('title', {}, lg)];
    const name = g.getAttribute('data-edge') ?? g.getAttribute('data-output');
    if (name !== null) lg.setAttribute(g.hasAttribute('data-edge') ? 'data-edge-label' : 'data-output-label', name);
    this.labelGroups.set(g, lg);
    const small = inlineGrid(from.shape) !== undefined;
    let chip: SVGRectElement | undefined;
    if (!small) {
      const text = shapeText(from.shape);
      const w = this.measure(text, 'mono') + 14;
      chip = svg('rect', { class: 'chip', x: r1(x - w / 2), y: r1(y - LABEL_GAP - CHIP_HEIGHT), width: r1(w), height: CHIP_HEIGHT, rx: 8 }, lg);
    }
    const value = svg('text', { class: 'edge-value', x: r1(x), y: r1(y - LABEL_GAP - (small ? 3 : 4)) }, lg);
    const grad = svg('text', { class: 'edge-grad', x: r1(x), y: r1(y + LABEL_GAP + 2) }, lg);
    return { value, chip, grad, titles, at: { x, y, folded: path.folded === true } };
  }

  private drawNode(parent: SVGGElement, node: NodeInfo, box: NodeBox): { g: SVGGElement; title: SVGTitleElement } {
    const g = svg('g', { class: `node ${box.shape}`, 'data-node': node.label, 'data-node-id': node.id, role: 'option', tabindex: -1, transform: `translate(${r1(box.x)} ${r1(box.y)})` }, parent);
    g.setAttribute('aria-selected', 'false');
    if (node.constant) g.classList.add('constant');
    if (node.id === this.model.graph?.output) g.classList.add('output');
    if (node.mismatch) g.classList.add('mismatch');
    // Where a NaN/±Infinity first appears (the host's warning is in the node's detail and the Problems panel).
    if (node.nonFinite) g.classList.add('non-finite');
    const title = svg('title', {}, g);
    if (box.shape === 'leaf') {
      const w = box.width;
      svg('rect', { class: 'node-hit', x: r1(-w / 2), y: -box.height / 2, width: r1(w), height: box.height, rx: 4 }, g);
      const text = svg('text', { class: 'leaf-label', x: r1(w / 2 - 10), y: 0 }, g);
      text.textContent = leafText(node);
      svg('circle', { class: 'leaf-dot', cx: r1(w / 2 - 3), cy: 0, r: 3 }, g);
    } else {
      if (box.shape === 'circle') {
        svg('circle', { class: 'node-shape', r: CIRCLE_RADIUS }, g);
      } else {
        svg('rect', { class: 'node-shape', x: r1(-box.width / 2), y: -box.height / 2, width: r1(box.width), height: box.height, rx: 6 }, g);
      }
      const symbol = displaySymbol(node);
      const sym = svg('text', { class: `symbol${[...symbol].length > 1 ? ' long' : ''}`, x: 0, y: 0 }, g);
      sym.textContent = symbol;
      if (node.name) {
        const name = svg('text', { class: 'node-name', x: 0, y: r1(box.height / 2 + 4) }, g);
        name.textContent = node.name;
      }
    }
    return { g, title };
  }

  /**
   * A repeated input: the producer's name in a dashed box right before one consumer, so a weight
   * used all along a long chain needs no arrow across the whole graph. No `data-node` (the node
   * itself is drawn once); clicking it selects the original.
   */
  private drawGhost(parent: SVGGElement, node: NodeInfo, ghost: GhostBox): void {
    const w = ghost.width;
    const g = svg('g', { class: 'ghost', 'data-ghost-of': node.label, 'data-node-id': node.id, transform: `translate(${r1(ghost.x)} ${r1(ghost.y)})` }, parent);
    if (node.constant) g.classList.add('constant');
    svg('title', {}, g).textContent = `${node.label} — ${t('repeatedInput')}`;
    svg('rect', { class: 'ghost-box', x: r1(-w / 2), y: -ghost.height / 2, width: r1(w), height: ghost.height, rx: 4 }, g);
    svg('text', { class: 'leaf-label', x: r1(w / 2 - 10), y: 0 }, g).textContent = leafText(node);
    svg('circle', { class: 'leaf-dot', cx: r1(w / 2 - 3), cy: 0, r: 3 }, g);
  }

  /**
   * Big graphs: renders the tiles near the view only (see TILE). Called on every view change; a
   * tile coming into view is laid out then, one going out leaves the render tree.
   */
  private cull(): void {
    if (!this.culling) return;
    const size = this.size ?? this.svg.getBoundingClientRect();
    const { x, y, k } = this.panZoom.current;
    const mx = size.width * CULL_MARGIN;
    const my = size.height * CULL_MARGIN;
    const view: Box = { left: (-x - mx) / k, top: (-y - my) / k, right: (size.width - x + mx) / k, bottom: (size.height - y + my) / k };
    for (const tile of this.tiles) {
      const b = tile.box;
      const culled = b.right < view.left || b.left > view.right || b.bottom < view.top || b.top > view.bottom;
      if (culled !== tile.culled) {
        tile.culled = culled;
        tile.g.classList.toggle('culled', culled);
      }
    }
  }

  /** Runs `draw` with every tile rendered (a figure of the whole graph), then culls again. */
  whole<T>(draw: () => T): T {
    if (!this.culling) return draw();
    for (const tile of this.tiles) if (tile.culled) tile.g.classList.remove('culled');
    try {
      return draw();
    } finally {
      for (const tile of this.tiles) if (tile.culled) tile.g.classList.add('culled');
    }
  }

  /** Fade-ins and transitions on or off (graphs above MOTION_LIMIT nodes never have them). */
  setMotion(enabled: boolean): void {
    this.motion = enabled;
    this.svg.classList.toggle('animated', enabled && !this.culling);
  }

  /** Redraws values and gradients that changed in an update; `animate` flashes what is new. */
  update(changes: Changes, animate: boolean): void {
    // Any animation renders the panel again every frame; on big graphs that costs more than it shows.
    if (this.culling || !this.motion) animate = false;
    for (const id of changes.nodes) this.refreshNode(id);
    for (const key of changes.edges) this.refreshEdge(key, animate);
    const out = this.model.graph?.output;
    if (out !== undefined && changes.nodes.has(out)) this.refreshOutput(animate);
  }

  private refreshAll(): void {
    for (const id of this.nodeEls.keys()) this.refreshNode(id);
    for (const key of this.edgeEls.keys()) this.refreshEdge(key, false);
    this.refreshOutput(false);
  }

  private refreshNode(id: number): void {
    const els = this.nodeEls.get(id);
    const node = this.model.node(id);
    if (!els || !node) return;
    const value = this.model.values.get(id);
    const grad = this.model.grads.get(id);
    setData(els.g, 'data-value', value);
    setData(els.g, 'data-grad', grad);
    const kind = node.leaf ? (node.constant ? t('constant') : t('leaf')) : node.op;
    const lines = [`${node.label} — ${kind}${node.shape.length ? ` (${shapeText(node.shape)})` : ''}`];
    if (value) lines.push(`${t('value')}: ${previewText(value)}`);
    if (grad) lines.push(`∂: ${previewText(grad)}`);
    if (node.nonFinite) lines.push(`⚠ ${node.nonFinite.message}`);
    els.title.textContent = lines.join('\n');
    els.g.setAttribute('aria-label', ariaText(node, value, grad));
  }

  private refreshEdge(key: string, animate: boolean): void {
    const els = this.edgeEls.get(key);
    if (!els) return;
    const from = this.model.node(els.ref.from);
    const to = this.model.node(els.ref.to);
    if (!from || !to) return;
    const value = this.model.edgeValue(els.ref);
    const grad = this.model.edgeGrad(els.ref);
    this.fillLabels(els, els.g, value, grad, animate);
    const text = edgeTitle(`${from.label} → ${to.label}`, value, grad);
    for (const title of els.titles) title.textContent = text;
  }

  private refreshOutput(animate: boolean): void {
    const out = this.model.graph?.output;
    if (!this.output || out === undefined) return;
    const node = this.model.node(out);
    const value = this.model.values.get(out);
    const grad = this.model.grads.get(out);
    this.fillLabels(this.output, this.output.g, value, grad, animate);
    const text = edgeTitle(`${node?.label ?? ''} (${t('output')})`, value, grad);
    for (const title of this.output.titles) title.textContent = text;
  }

  private fillLabels(els: LabelEls, g: SVGGElement, value: TensorData | undefined, grad: TensorData | undefined, animate: boolean): void {
    const hadValue = g.hasAttribute('data-value');
    const hadGrad = g.hasAttribute('data-grad');
    setData(g, 'data-value', value);
    setData(g, 'data-grad', grad);
    writeLines(els.value, value ? labelText(value) : [], els.at.x, 'up');
    writeLines(els.grad, grad ? labelText(grad) : [], els.at.x, 'down', '∂');
    const lg = this.labelGroups.get(g);
    for (const el of lg ? [g, lg] : [g]) {
      el.classList.toggle('has-value', value !== undefined);
      el.classList.toggle('has-grad', grad !== undefined);
    }
    if (animate && value && !hadValue) flash(els.value);
    if (animate && grad && !hadGrad) flash(els.grad);
  }

  /** The edges whose gradients practice mode hides now (a few: the current node's inputs). */
  private hiddenKeys: ReadonlySet<string> = new Set();

  /**
   * Practice mode: these edges' gradients stay hidden until the student has found them. Touches
   * only the edges hidden before or now (a step on a big graph must not visit every edge).
   */
  setHiddenGradients(keys: ReadonlySet<string>): void {
    const hiddenBefore = this.hiddenKeys;
    this.hiddenKeys = new Set(keys);
    for (const key of hiddenBefore) {
      if (keys.has(key)) continue;
      const els = this.edgeEls.get(key);
      if (!els) continue;
      els.g.classList.remove('practice-hidden');
      this.labelGroups.get(els.g)?.classList.remove('practice-hidden');
      this.refreshEdge(key, false);
    }
    // Every call, not only when newly hidden: an update may have just rewritten the tooltip.
    for (const key of keys) {
      const els = this.edgeEls.get(key);
      if (!els) continue;
      els.g.classList.add('practice-hidden');
      this.labelGroups.get(els.g)?.classList.add('practice-hidden');
      // The tooltip would give the answer away too.
      const ask = t('practiceAsk');
      for (const title of els.titles) if (title.textContent !== ask) title.textContent = ask;
    }
  }

  /** Marks the node run by the last step and brings it into view. */
  setCurrent(id: number | null, reveal: boolean): void {
    if (this.currentId !== null) {
      const old = this.nodeEls.get(this.currentId);
      old?.g.removeAttribute('data-current');
      old?.g.classList.remove('current');
    }
    this.currentId = id;
    const els = id === null ? undefined : this.nodeEls.get(id);
    if (!els) {
      this.ring?.setAttribute('visibility', 'hidden');
      return;
    }
    els.g.setAttribute('data-current', 'true');
    els.g.classList.add('current');
    this.drawRing(els.box);
    if (reveal && id !== null) this.reveal(id);
  }

  /**
   * The current node's ring, in the overlay above every node and label: moving it is one attribute
   * (re-appending the node itself, to draw it above its neighbours, re-laid out the whole drawing).
   */
  private drawRing(box: NodeBox): void {
    if (!this.overlay) return;
    const shape = box.shape === 'circle' ? 'circle' : 'rect';
    if (this.ring?.tagName !== shape) {
      this.ring?.remove();
      this.ring = svg(shape, { class: 'current-ring' }, this.overlay);
    }
    const ring = this.ring;
    if (shape === 'circle') ring.setAttribute('r', String(CIRCLE_RADIUS));
    else {
      ring.setAttribute('x', String(r1(-box.width / 2)));
      ring.setAttribute('y', String(-box.height / 2));
      ring.setAttribute('width', String(r1(box.width)));
      ring.setAttribute('height', String(box.height));
      ring.setAttribute('rx', box.shape === 'leaf' ? '4' : '6');
    }
    ring.setAttribute('class', `current-ring ${box.shape}`);
    ring.setAttribute('transform', `translate(${r1(box.x)} ${r1(box.y)})`);
    ring.removeAttribute('visibility');
  }

  reveal(id: number): void {
    const box = this.nodeEls.get(id)?.box;
    if (box) this.panZoom.ensureVisible({ x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width, height: box.height + 16 });
  }

  setSelected(id: number | null): void {
    if (this.selectedId !== null) {
      const old = this.nodeEls.get(this.selectedId);
      old?.g.setAttribute('aria-selected', 'false');
      old?.g.classList.remove('selected');
    }
    this.selectedId = id;
    if (id === null) return;
    const els = this.nodeEls.get(id);
    if (!els) return;
    els.g.setAttribute('aria-selected', 'true');
    els.g.classList.add('selected');
    this.setFocusable(id);
  }

  /** One node is in the tab order at a time (roving tabindex); ↑/↓ move between nodes. */
  private setFocusable(id: number): void {
    if (this.focusId !== null) this.nodeEls.get(this.focusId)?.g.setAttribute('tabindex', '-1');
    this.focusId = id;
    this.nodeEls.get(id)?.g.setAttribute('tabindex', '0');
  }

  private onKeyDown(e: KeyboardEvent): void {
    const id = this.nodeIdOf(e.target);
    if (id === undefined) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      if (e.key === 'Enter' && e.shiftKey) this.callbacks.onReveal(id);
      else this.callbacks.onSelect(id);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      e.stopPropagation();
      const ids = [...this.nodeEls.keys()];
      const next = ids[(ids.indexOf(id) + (e.key === 'ArrowDown' ? 1 : ids.length - 1)) % ids.length];
      this.setFocusable(next);
      // Into view first: a node of a culled tile cannot take the focus.
      this.reveal(next);
      this.nodeEls.get(next)?.g.focus();
    }
  }

  /** Puts the first node (or the selected one) in the tab order after a render. */
  initFocus(): void {
    const first = this.selectedId ?? this.nodeEls.keys().next().value;
    if (first !== undefined) this.setFocusable(first);
  }

  /** The first view again (after a resize, until the user pans or zooms). */
  resetView(): void {
    if (!this.layout) return;
    const current = this.currentId === null ? undefined : this.layout.nodes.get(this.currentId);
    this.panZoom.initial(current ?? firstBox(this.layout));
  }

  /** The whole drawing's size in graph units (for figures). */
  contentSize(): { width: number; height: number } | undefined {
    return this.layout ? { width: this.layout.width, height: this.layout.height } : undefined;
  }

  get hasLayout(): boolean {
    return this.layout !== undefined;
  }
}

/**
 * Spreads a layer's children over tile groups by position (see TILE), created as needed and
 * listed in `all`: returns the group for a point, its box grown by `box`. A small graph has one
 * tile per layer.
 */
function tileLayer(layer: SVGGElement, all: Tile[], culled: boolean): (at: Point, box: Box) => SVGGElement {
  const tiles = new Map<string, Tile>();
  return ({ x, y }, box) => {
    const key = `${Math.floor(x / TILE)},${Math.floor(y / TILE)}`;
    let tile = tiles.get(key);
    if (!tile) {
      tile = { g: svg('g', { class: culled ? 'tile culled' : 'tile', role: 'presentation' }, layer), box: { ...box }, culled };
      tiles.set(key, tile);
      all.push(tile);
    }
    const b = tile.box;
    b.left = Math.min(b.left, box.left);
    b.top = Math.min(b.top, box.top);
    b.right = Math.max(b.right, box.right);
    b.bottom = Math.max(b.bottom, box.bottom);
    return tile.g;
  };
}

/** Room around what is drawn (stroke widths, arrow heads, text wider than reserved). */
const PAD = 24;

function nodeBox(b: { x: number; y: number; width: number; height: number }): Box {
  return { left: b.x - b.width / 2 - PAD, top: b.y - b.height / 2 - PAD, right: b.x + b.width / 2 + PAD, bottom: b.y + b.height / 2 + PAD + LABEL_LINE };
}

function pathBox(path: EdgePath): Box {
  const box = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
  for (const p of path.points) {
    box.left = Math.min(box.left, p.x - PAD);
    box.top = Math.min(box.top, p.y - PAD);
    box.right = Math.max(box.right, p.x + PAD);
    box.bottom = Math.max(box.bottom, p.y + PAD);
  }
  return Number.isFinite(box.left) ? box : labelBox(path);
}

function labelBox(path: EdgePath): Box {
  const { x, y } = path.label;
  const w = path.labelBox.width / 2 + PAD * 2;
  const h = Math.max(path.labelBox.height, LABEL_LINE * 2) + PAD;
  return { left: x - w, top: y - h, right: x + w, bottom: y + h };
}

/** Left-most node: where a big graph's first view starts. */
function firstBox(layout: GraphLayout): { x: number; y: number } {
  let best = { x: Infinity, y: 0 };
  for (const b of layout.nodes.values()) if (b.x < best.x) best = { x: b.x, y: b.y };
  return Number.isFinite(best.x) ? best : { x: 0, y: 0 };
}

function setData(el: Element, name: string, t: TensorData | undefined): void {
  if (t) el.setAttribute(name, tensorJson(t));
  else el.removeAttribute(name);
}

/** What an edge label writes: the numbers (one string per line) or, for a big tensor, its shape. */
function labelText(t: TensorData): string[] {
  return labelLines(t) ?? [shapeText(t.shape)];
}

/**
 * Fills a label with its lines, each centred on `x`: the value's lines stack upwards from the
 * text's own y (the last line just above the arrow), the gradient's downwards, after a "∂".
 */
function writeLines(text: SVGTextElement, lines: readonly string[], x: number, direction: 'up' | 'down', prefix?: string): void {
  text.replaceChildren();
  lines.forEach((line, i) => {
    if (i === 0 && prefix) svg('tspan', { class: 'partial' }, text).textContent = prefix;
    const attrs: Attrs = i === 0 ? (direction === 'up' ? { dy: -(lines.length - 1) * LABEL_LINE } : {}) : { x: r1(x), dy: LABEL_LINE };
    svg('tspan', attrs, text).textContent = line;
  });
}

function edgeTitle(head: string, value: TensorData | undefined, grad: TensorData | undefined): string {
  const lines = [head];
  if (value) lines.push(`${t('value')}: ${previewText(value)}`);
  if (grad) lines.push(`∂: ${previewText(grad)}`);
  return lines.join('\n');
}

function ariaText(node: NodeInfo, value: TensorData | undefined, grad: TensorData | undefined): string {
  const parts = [node.label, node.leaf ? t('leaf') : node.symbol];
  if (value) parts.push(`${t('value')} ${inlineText(value) ?? shapeText(value.shape)}`);
  if (grad) parts.push(`∂ ${inlineText(grad) ?? shapeText(grad.shape)}`);
  return parts.join(', ');
}

/** Briefly highlights a label that just appeared (the CSS animation is off for reduced motion). */
function flash(el: SVGTextElement): void {
  el.classList.add('fresh');
  el.addEventListener('animationend', () => el.classList.remove('fresh'), { once: true });
}
