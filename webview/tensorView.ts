/**
 * A tensor as a compact table with a diverging colour scale (blue for positive, red for negative,
 * mixed over the editor background, so every theme keeps it readable). Large tensors show their
 * first rows and columns with "…" and a "show all" toggle. "Show all" draws at most
 * MAX_SHOWN_CELLS cells (a 784×50 weight would be 39,200): the first rows that fit, with a note
 * saying how many of the rows are shown, so the panel stays responsive.
 */
import type { TensorData } from '../src/shared/protocol';
import { t } from './i18n';
import { formatNumber, labelLines, labelNumber, maxAbs, shapeText, tensorJson } from './tensorFormat';
import { h } from './dom';

const SUMMARY_ROWS = 6;
const SUMMARY_COLS = 6;
/** Cells drawn at most for one tensor, even when "show all" is on. */
export const MAX_SHOWN_CELLS = 3_000;


/** Background for a cell: the value's share of the largest magnitude, at most 45% colour. */
function cellColour(v: number, scale: number): string {
  if (!Number.isFinite(v) || scale === 0 || v === 0) return '';
  const pct = Math.round((Math.min(1, Math.abs(v) / scale) * 45 + 5) * 10) / 10;
  const hue = v > 0 ? 'var(--vscode-charts-blue)' : 'var(--vscode-charts-red)';
  return `color-mix(in srgb, ${hue} ${pct}%, var(--vscode-editor-background))`;
}

export interface TensorViewOptions {
  /** Key of this tensor in the set of expanded ("show all") tensors. */
  key: string;
  expanded: Set<string>;
  onToggle(): void;
  /** Marks the table as a gradient (red caption mark, ∂ prefix) for readers who don't see colour. */
  gradient?: boolean;
  /** A click on a cell (row, column; a vector's cells are row 0), e.g. to write its dot product out. */
  onCell?(row: number, col: number): void;
}

export function renderTensor(tensor: TensorData | undefined, opts: TensorViewOptions): HTMLElement {
  const wrap = h('div', `tensor-view${opts.gradient ? ' gradient' : ''}`);
  if (!tensor) {
    wrap.append(h('span', 'muted', t('notYetComputed')));
    return wrap;
  }
  wrap.dataset.json = tensorJson(tensor);
  if (tensor.shape.length === 0) {
    const s = h('span', 'scalar', `${opts.gradient ? '∂ ' : ''}${formatNumber(tensor.data[0])}`);
    s.title = String(tensor.data[0]);
    wrap.append(s);
    return wrap;
  }
  const rows = tensor.shape.length === 1 ? 1 : tensor.shape[0];
  const cols = tensor.shape.length === 1 ? tensor.shape[0] : tensor.data.length / Math.max(1, rows);
  const all = opts.expanded.has(opts.key);
  const big = rows > SUMMARY_ROWS + 2 || cols > SUMMARY_COLS + 2;
  const showCols = all ? Math.min(cols, MAX_SHOWN_CELLS) : cols <= SUMMARY_COLS + 2 ? cols : SUMMARY_COLS;
  const showRows = all ? Math.min(rows, Math.max(1, Math.floor(MAX_SHOWN_CELLS / showCols))) : rows <= SUMMARY_ROWS + 2 ? rows : SUMMARY_ROWS;
  const scale = maxAbs(tensor);

  const caption = h('div', 'tensor-caption');
  caption.append(h('span', 'shape-chip', shapeText(tensor.shape)));
  // In a narrow panel the table folds into one line (CSS), so the whole step fits without
  // scrolling; the line opens the table.
  const inline = h('button', 'link-button tensor-inline', compactLine(tensor));
  inline.type = 'button';
  inline.title = t('showTable');
  inline.addEventListener('click', () => wrap.classList.toggle('open'));
  caption.append(inline);
  if (big) {
    const toggle = h('button', 'link-button', all ? t('showLess') : t('showAll'));
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', String(all));
    toggle.addEventListener('click', () => {
      if (all) opts.expanded.delete(opts.key);
      else opts.expanded.add(opts.key);
      opts.onToggle();
    });
    caption.append(toggle);
    if (all && showRows < rows) caption.append(h('span', 'muted rows-shown', t('rowsShown').replace('{0}', String(showRows)).replace('{1}', String(rows))));
  }
  wrap.append(caption);

  const scroller = h('div', 'tensor-scroll');
  const table = h('table', 'tensor');
  const body = h('tbody');
  for (let r = 0; r < showRows; r++) {
    const tr = h('tr');
    for (let c = 0; c < showCols; c++) {
      const v = tensor.data[r * cols + c];
      const td = h('td', v < 0 ? 'neg' : undefined, formatNumber(v));
      td.title = `[${tensor.shape.length === 1 ? c : `${r}, ${c}`}] = ${v}`;
      if (opts.onCell) {
        const onCell = opts.onCell;
        td.classList.add('explainable');
        td.tabIndex = 0;
        td.addEventListener('click', () => onCell(r, c));
        td.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') onCell(r, c);
        });
      }
      const bg = cellColour(v, scale);
      if (bg) td.style.backgroundColor = bg;
      tr.append(td);
    }
    if (showCols < cols) tr.append(h('td', 'ellipsis', '…'));
    body.append(tr);
  }
  if (showRows < rows) {
    const tr = h('tr');
    for (let c = 0; c < showCols + (showCols < cols ? 1 : 0); c++) tr.append(h('td', 'ellipsis', '⋮'));
    body.append(tr);
  }
  table.append(body);
  scroller.append(table);
  wrap.append(scroller);
  return wrap;
}

/** A tensor on one line: written out when small (`[[1, −0.5], [−2, 3]]`), else its first values and "…". */
function compactLine(tensor: TensorData): string {
  const small = labelLines(tensor);
  if (small) return small.join('');
  const first = Array.from(tensor.data.slice(0, 3), labelNumber).join(', ');
  return tensor.shape.length === 1 ? `[${first}, …]` : `[[${first}, …], …]`;
}
