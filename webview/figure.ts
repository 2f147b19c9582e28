/**
 * The graph as a figure for study notes: a self-contained SVG of the whole graph at the current
 * step, every colour and font of the current theme written into the elements (no `var(--vscode-*)`
 * left, text kept as text, Korean included), or a PNG drawn from it on a canvas.
 */

/** The presentation properties copied from the panel's CSS into each element of the figure. */
const PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'paint-order',
  'visibility',
  'text-decoration',
] as const;

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Serialises `svg` (the panel's graph) as a standalone SVG of `width` × `height` graph units: the
 * view's pan and zoom dropped, a background of the theme's editor colour, each element's computed
 * style inlined, hidden parts and interaction-only parts (hit areas) left out.
 */
export function figureSvg(svg: SVGSVGElement, width: number, height: number): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  const drop: Element[] = [];
  originals.forEach((el, i) => {
    const copy = copies[i];
    if (!copy) return;
    const cs = getComputedStyle(el);
    const cls = el.getAttribute('class') ?? '';
    if (cs.display === 'none' || /\b(edge-hit|node-hit)\b/.test(cls) && cs.fill === 'rgba(0, 0, 0, 0)') {
      drop.push(copy);
      return;
    }
    // As presentation attributes (a style attribute would break the panel's CSP, and the figure
    // has no stylesheet to outrank them).
    if (el instanceof SVGElement && !(el instanceof SVGTitleElement)) {
      for (const p of PROPS) {
        const v = cs.getPropertyValue(p);
        if (v !== '') copy.setAttribute(p, v);
      }
    }
    for (const a of ['class', 'tabindex', 'role', 'aria-selected', 'aria-label', 'aria-hidden']) copy.removeAttribute(a);
  });
  for (const el of drop) el.remove();
  // The pan and zoom of the view: the figure is the whole graph at its own size.
  const viewport = clone.querySelector('svg > g:not(defs)');
  viewport?.removeAttribute('transform');
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(Math.ceil(width)));
  clone.setAttribute('height', String(Math.ceil(height)));
  clone.setAttribute('viewBox', `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', getComputedStyle(document.body).backgroundColor || '#ffffff');
  clone.insertBefore(bg, clone.querySelector('defs')?.nextSibling ?? clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

/** The figure drawn on a canvas at `scale` device pixels per graph unit, as base64 PNG (no data: prefix). */
export async function figurePng(svgText: string, width: number, height: number, scale = 2): Promise<string> {
  const img = new Image();
  const loaded = new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('the figure could not be drawn'));
  });
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await loaded;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
