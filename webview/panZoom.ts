/**
 * Pan (drag, wheel) and zoom (ctrl/cmd + wheel, buttons) of the graph's SVG, by a transform on one
 * group. The view survives updates; only a new graph shape fits it again.
 */

export interface View {
  x: number;
  y: number;
  k: number;
}

const MIN_K = 0.05;
/** The scale at which the graph's smallest text (12 px) renders at 12 CSS px: never shrunk below by the panel itself. */
export const LEGIBLE_K = 1;
const MAX_K = 4;

export class PanZoom {
  private view: View = { x: 0, y: 0, k: 1 };
  private content = { width: 1, height: 1 };
  private margin = 0;
  private drag: { id: number; x: number; y: number; moved: boolean } | undefined;
  /** True right after a drag, so the click that ends it does not select a node. */
  suppressClick = false;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly layer: SVGGElement,
    private readonly onChange: (view: View) => void,
    /** The SVG's size when its owner already knows it (a ResizeObserver's): reading the layout instead would force one after every change of the drawing. */
    private readonly knownSize: () => { width: number; height: number } | undefined = () => undefined,
  ) {
    svg.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    svg.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    svg.addEventListener('pointermove', (e) => this.onPointerMove(e));
    svg.addEventListener('pointerup', (e) => this.onPointerUp(e));
    svg.addEventListener('pointercancel', (e) => this.onPointerUp(e));
  }

  get current(): View {
    return { ...this.view };
  }

  /** The drawing's size, including an empty `margin` around it (graph units). */
  setContent(width: number, height: number, margin = 0): void {
    this.content = { width: Math.max(1, width), height: Math.max(1, height) };
    this.margin = Math.max(0, Math.min(margin, width / 2, height / 2));
  }

  set(view: View): void {
    const k = clamp(view.k, MIN_K, MAX_K);
    if (![view.x, view.y, k].every(Number.isFinite)) return;
    this.view = { x: view.x, y: view.y, k };
    this.layer.setAttribute('transform', `translate(${round(this.view.x)} ${round(this.view.y)}) scale(${round(this.view.k)})`);
    this.onChange(this.current);
  }

  private viewport(): { width: number; height: number } {
    const r = this.knownSize() ?? this.svg.getBoundingClientRect();
    return { width: Math.max(1, r.width), height: Math.max(1, r.height) };
  }

  /** The scale at which the whole graph fits the view (small graphs are enlarged a little, like a figure in the book). */
  private fitScale(): number {
    const vp = this.viewport();
    const pad = 16;
    return clamp(Math.min((vp.width - 2 * pad) / this.content.width, (vp.height - 2 * pad) / this.content.height), MIN_K, 1.6);
  }

  /** Whole graph in view, at any scale (the Fit button: the user asked for it). */
  fit(): void {
    const vp = this.viewport();
    const k = this.fitScale();
    this.set({ k, x: (vp.width - this.content.width * k) / 2, y: (vp.height - this.content.height * k) / 2 });
  }

  /** Whether the whole graph fits at a legible scale (text ≥ 12 px: scale `LEGIBLE_K`). */
  fitsLegibly(): boolean {
    return this.fitScale() >= LEGIBLE_K;
  }

  /**
   * The view the panel picks itself (a new graph, a resize): the whole graph when it fits at a
   * legible size; otherwise actual size, centred on `focus` (the current node, else the start of
   * the graph) — it pans and follows the steps instead of shrinking the text below 12 px.
   */
  initial(focus: { x: number; y: number; width?: number }): void {
    if (this.fitsLegibly()) {
      this.fit();
      return;
    }
    const vp = this.viewport();
    const k = LEGIBLE_K;
    // Along an axis where the drawing fits (its margins may not): centred. Else the focus
    // centred, without showing empty space beyond the drawing's edges.
    const axis = (size: number, content: number, at: number): number => {
      const inner = (content - 2 * this.margin) * k;
      if (inner <= size) return (size - content * k) / 2;
      return clamp(size / 2 - at * k, size - (content - this.margin) * k, -this.margin * k);
    };
    this.set({ k, x: axis(vp.width, this.content.width, focus.x), y: axis(vp.height, this.content.height, focus.y) });
  }

  zoomBy(factor: number, at?: { x: number; y: number }): void {
    const vp = this.viewport();
    const cx = at?.x ?? vp.width / 2;
    const cy = at?.y ?? vp.height / 2;
    const k = clamp(this.view.k * factor, MIN_K, MAX_K);
    const f = k / this.view.k;
    this.set({ k, x: cx - (cx - this.view.x) * f, y: cy - (cy - this.view.y) * f });
  }

  panBy(dx: number, dy: number): void {
    this.set({ ...this.view, x: this.view.x + dx, y: this.view.y + dy });
  }

  /** Pans the least needed so the box (graph coordinates) is visible with a margin. */
  ensureVisible(box: { x: number; y: number; width: number; height: number }): void {
    const vp = this.viewport();
    const m = 40;
    const left = box.x * this.view.k + this.view.x;
    const right = (box.x + box.width) * this.view.k + this.view.x;
    const top = box.y * this.view.k + this.view.y;
    const bottom = (box.y + box.height) * this.view.k + this.view.y;
    let dx = 0;
    let dy = 0;
    if (left < m) dx = m - left;
    else if (right > vp.width - m) dx = vp.width - m - right;
    if (top < m) dy = m - top;
    else if (bottom > vp.height - m) dy = vp.height - m - bottom;
    // Along an axis where the whole drawing is already in view, there is nothing to reveal.
    const k = this.view.k;
    const shown = (pos: number, size: number, content: number): boolean =>
      pos + this.margin * k >= -0.5 && pos + (content - this.margin) * k <= size + 0.5;
    if (shown(this.view.x, vp.width, this.content.width)) dx = 0;
    if (shown(this.view.y, vp.height, this.content.height)) dy = 0;
    if (dx !== 0 || dy !== 0) this.panBy(dx, dy);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) {
      const r = this.svg.getBoundingClientRect();
      this.zoomBy(Math.exp(-e.deltaY * 0.002), { x: e.clientX - r.left, y: e.clientY - r.top });
    } else {
      const scale = e.deltaMode === 1 ? 16 : 1;
      this.panBy(-e.deltaX * scale, -e.deltaY * scale);
    }
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.drag = { id: e.pointerId, x: e.clientX, y: e.clientY, moved: false };
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) {
      d.moved = true;
      this.svg.setPointerCapture(e.pointerId);
      this.svg.classList.add('panning');
    }
    d.x = e.clientX;
    d.y = e.clientY;
    this.panBy(dx, dy);
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    this.drag = undefined;
    if (d.moved) {
      this.svg.classList.remove('panning');
      if (this.svg.hasPointerCapture(e.pointerId)) this.svg.releasePointerCapture(e.pointerId);
      this.suppressClick = true;
      setTimeout(() => (this.suppressClick = false), 0);
    }
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
