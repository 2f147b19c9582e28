/**
 * Entry of the Backprop Stepper panel (bundled to dist/webview/main.js as an IIFE).
 * Receives the host's `graph` / `update` / `select` / `error` messages, draws the graph, and sends
 * `ready` and, for everything the user asks to change (a step, a cursor, a pinned node, practice),
 * one kind of message, `change`. The host owns the cursor and the pinned node: the panel shows
 * them, and a `select` that pins what is already pinned changes nothing.
 */
import './cspNonce';
import type { FigureFormat, HostToWebview, PanelChange, StepCommand, StepState } from '../src/shared/protocol';
import { figurePng, figureSvg } from './figure';
import { captionText } from './caption';
import { DetailPane } from './detailPane';
import { GraphView } from './graphView';
import { locale, setLocale, t } from './i18n';
import { LayoutCache, type MeasureText } from './layout';
import { PanelModel, edgeKey } from './model';
import { Practice, checkAnswer } from './practice';
import type { View } from './panZoom';
import { Toolbar } from './toolbar';
import { type PanelState, loadState, post, saveState } from './vscodeApi';
import { h } from './dom';


/** Text widths for the layout, measured with the panel's own font. */
function textMeasurer(): MeasureText {
  const ctx = document.createElement('canvas').getContext('2d');
  const style = getComputedStyle(document.body);
  const family = style.fontFamily || 'sans-serif';
  const mono = style.getPropertyValue('--vscode-editor-font-family').trim() || 'monospace';
  return (text, kind) => {
    if (!ctx) return text.length * (kind === 'symbol' ? 8.5 : 8);
    ctx.font = kind === 'symbol' ? `600 14px ${family}` : kind === 'mono' ? `13px ${mono}` : `13px ${family}`;
    return ctx.measureText(text).width;
  };
}

class Panel {
  private readonly model = new PanelModel();
  private readonly layouts = new LayoutCache();
  private readonly root: HTMLElement;
  private readonly toolbar: Toolbar;
  private readonly view: GraphView;
  private readonly detail: DetailPane;
  private readonly errorBanner: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly caption: HTMLElement;
  /** The book's figure numbers ("그림 5-16"), before the caption. */
  private readonly figure: HTMLElement;
  /** The step's arithmetic, under the caption. */
  private readonly arith: HTMLElement;
  private saved: PanelState | undefined = loadState();
  private readonly practice = new Practice(this.saved?.scores);
  private currentView: View | undefined;
  private saveQueued = false;

  constructor() {
    setLocale(document.documentElement.lang || navigator.language || 'en');
    this.root = document.getElementById('backprop-root') ?? document.body.appendChild(h('div'));
    this.root.id = 'backprop-root';
    this.root.replaceChildren();
    this.root.classList.add('backprop-root');

    const toolbarEl = h('div', 'toolbar');
    this.errorBanner = h('div', 'error-banner');
    this.errorBanner.setAttribute('role', 'alert');
    this.errorBanner.hidden = true;
    const body = h('div', 'panel-body');
    const canvas = h('div', 'canvas');
    this.empty = h('p', 'empty-message');
    this.caption = h('div', 'step-caption');
    this.caption.id = 'step-caption';
    this.caption.setAttribute('aria-live', 'polite');
    this.figure = h('span', 'figure-ref');
    this.figure.id = 'figure-ref';
    this.arith = h('div', 'step-arith');
    this.arith.id = 'step-arith';
    const captionArea = h('div', 'caption-area');
    const captionLine = h('div', 'caption-line');
    captionLine.append(this.figure, this.caption);
    captionArea.append(captionLine, this.arith);
    canvas.append(this.empty, captionArea);
    const detailEl = h('aside', 'detail');
    detailEl.id = 'detail';
    body.append(canvas, detailEl);
    this.hint = h('div', 'keys-hint');
    this.root.append(toolbarEl, this.errorBanner, body, this.hint);

    this.toolbar = new Toolbar(toolbarEl, this.model, {
      onCommand: (command) => this.command(command),
      onGoTo: (step) => change({ kind: 'goTo', step }),
      onView: (action) => this.viewAction(action),
    });
    this.view = new GraphView(canvas, this.model, textMeasurerCached(), {
      onSelect: (id) => this.select(id, 'select'),
      onReveal: (id) => this.select(id, 'reveal'),
      onViewChange: (v) => {
        this.currentView = v;
        this.persist();
      },
    });
    this.detail = new DetailPane(detailEl, this.model, {
      onSelect: (id) => this.select(id, 'select'),
      onReveal: (id) => this.select(id, 'reveal'),
      onFollow: () => this.unpin(),
      onAnswer: (to, index, text) => this.answer(to, index, text),
      onExplainElement: (node, input, row, col) => post({ type: 'explainElement', node, input, row, col }),
      onStopPractice: () => {
        this.setPractice(false);
        change({ kind: 'practice', enabled: false });
      },
    }, this.practice, (to, index) => this.practiceHidden(to, index));
    this.applyTexts();
    this.detail.render();

    window.addEventListener('message', (e: MessageEvent<unknown>) => this.receive(e.data));
    document.addEventListener('keydown', (e) => this.onKey(e));
    // Refit small graphs when the panel is resized before the user moved the view themselves.
    new ResizeObserver(() => {
      if (this.model.graph && !this.userMovedView) this.view.resetView();
    }).observe(canvas);
    canvas.addEventListener('pointerdown', () => (this.userMovedView = true));
    canvas.addEventListener('wheel', () => (this.userMovedView = true), { passive: true });
    post({ type: 'ready' });
  }

  private userMovedView = false;

  private applyTexts(): void {
    this.empty.textContent = t('waiting');
    this.hint.textContent = t('keysHint');
    this.toolbar.refresh();
  }

  /** Messages that arrived while a big layout was pending; handled in order afterwards. */
  private pending: HostToWebview[] | undefined;

  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null || typeof (data as { type?: unknown }).type !== 'string') return;
    const msg = data as HostToWebview;
    if (this.pending) {
      this.pending.push(msg);
      return;
    }
    // A big graph takes dagre a moment: say so first (one frame), then lay it out.
    if (msg.type === 'graph' && msg.graph.nodes.length > BIG_GRAPH && !this.layouts.has(msg.graph.layoutKey)) {
      this.pending = [];
      this.empty.textContent = `${t('layingOut')} (${msg.graph.nodes.length})`;
      this.empty.hidden = false;
      requestAnimationFrame(() =>
        setTimeout(() => {
          const queued = this.pending ?? [];
          this.pending = undefined;
          this.handle(msg);
          for (const m of queued) this.receive(m);
        }, 0),
      );
      return;
    }
    this.handle(msg);
  }

  private handle(msg: HostToWebview): void {
    try {
      switch (msg.type) {
        case 'graph': {
          // Measured (performance.measure) so tests and the benchmark can read the panel's own time.
          const t0 = performance.now();
          this.onGraph(msg);
          performance.measure('backprop:graph', { start: t0 });
          break;
        }
        case 'update': {
          const t0 = performance.now();
          this.onUpdate(msg.state, this.model.apply(msg.nodes ?? [], msg.edges ?? []));
          performance.measure('backprop:update', { start: t0 });
          break;
        }
        case 'select':
          if (typeof msg.node === 'number') this.select(msg.node, 'host');
          break;
        case 'error':
          this.showError(msg.message, msg.line, msg.column);
          break;
        case 'practice':
          this.setPractice(msg.enabled === true);
          break;
        case 'motion':
          this.view.setMotion(msg.enabled === true);
          break;
        case 'elementExplain':
          this.detail.showElement(msg.node, msg.input, msg.text);
          break;
        case 'exportFigure':
          void this.exportFigure(msg.requestId, msg.format);
          break;
      }
    } catch (err) {
      // A malformed message must not take the panel down; say what happened instead.
      this.showError(`${t('error')}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private onGraph(msg: Extract<HostToWebview, { type: 'graph' }>): void {
    const prev = this.model.graph;
    setLocale(msg.locale || 'en');
    document.documentElement.lang = msg.locale || 'en';
    this.model.setGraph(msg.graph, msg.state);
    this.practice.setFile(msg.graph.uri);
    this.model.apply(msg.nodes ?? [], msg.edges ?? []);
    const { layout, reused } = this.layouts.get(msg.graph, textMeasurerCached());
    // Keep the user's view when the graph keeps its shape (an edit that changed numbers), or when
    // restoring after a reload.
    const sameShape = prev?.layoutKey === msg.graph.layoutKey;
    const restore = !prev && this.saved?.uri === msg.graph.uri && this.saved.layoutKey === msg.graph.layoutKey ? this.saved.view : undefined;
    const keep = (sameShape && reused && this.currentView) || restore;
    this.userMovedView = Boolean(keep);
    this.view.render(layout, Boolean(keep), sameShape && this.currentView ? this.currentView : restore);
    this.empty.hidden = true;
    this.errorBanner.hidden = true;
    this.applyTexts();

    // The pinned node survives a re-run of the same file (as in the host, which sends it after a
    // reload of the panel).
    const previous = prev?.uri === msg.graph.uri ? this.detail.selectedId : null;
    const keepSelected = previous !== null && this.model.node(previous) ? previous : null;
    this.saved = undefined;
    this.view.setSelected(keepSelected);
    this.detail.show(keepSelected);
    this.view.initFocus();
    this.onUpdate(msg.state, { nodes: new Set(), edges: new Set() }, false);
    // A graph too big to read whole opens at the current node.
    if (!keep) this.view.resetView();
  }

  private onUpdate(state: StepState, changes: ReturnType<PanelModel['apply']>, animate = true): void {
    const before = this.model.state.current;
    this.model.state = state;
    this.view.update(changes, animate);
    // Follow mode: the view pans to the node each step runs (the graph is never shrunk to fit).
    this.view.setCurrent(state.current, state.current !== before);
    this.root.dataset.cursor = String(state.cursor);
    this.root.dataset.total = String(state.totalSteps);
    this.root.dataset.phase = state.phase;
    this.toolbar.refresh();
    setText(this.caption, captionText(this.model));
    const lang = locale();
    const hidden = this.hiddenEdges();
    this.view.setHiddenGradients(hidden);
    // In practice the arithmetic would give the answer away: it waits until the gradients are found.
    const arith = hidden.size ? `${t('practiceAsk')}` : (state.explain ?? []).map((l) => l[lang] || l.en).join('\n');
    setText(this.arith, arith);
    if (this.arith.title !== arith) this.arith.title = arith;
    const figures = this.model.graph?.figures ?? [];
    setText(this.figure, figures.length ? `${t('figure')} ${figures.join(', ')}` : '');
    if (this.figure.hidden !== (figures.length === 0)) this.figure.hidden = figures.length === 0;
    // Follow mode: the pane shows the current step's node unless the user pinned one.
    this.detail.render();
    this.persist();
  }

  /**
   * Pins a node. 'select' / 'reveal': the user clicked it (shown at once, and asked of the host;
   * 'reveal' also asks for its line); 'host': the host's pinned node (brought into view, unless it
   * is already the one pinned: then it is the echo of a click and changes nothing).
   */
  private select(id: number, from: 'select' | 'reveal' | 'host'): void {
    if (!this.model.node(id)) return;
    if (from === 'host' && this.detail.selectedId === id) return;
    this.view.setSelected(id);
    this.detail.show(id);
    if (from === 'host') this.view.reveal(id);
    else change({ kind: 'select', node: id, reveal: from === 'reveal' });
    this.persist();
  }

  /** Draws the graph as it is now (whole, at its own size) and sends the figure to the host. */
  private async exportFigure(requestId: number, format: FigureFormat): Promise<void> {
    try {
      const size = this.view.contentSize();
      if (!size) throw new Error(t('waiting'));
      // Every part rendered for the copy, the tiles a big graph keeps out of view included.
      const svgText = this.view.whole(() => figureSvg(this.view.svg, size.width, size.height));
      const data = format === 'svg' ? svgText : await figurePng(svgText, size.width, size.height);
      post({ type: 'figure', requestId, format, data });
    } catch (err) {
      post({ type: 'figureError', requestId, message: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Practice mode: the outgoing gradients of the node just run backward are hidden until answered. */
  private practiceHidden(to: number, index: number): boolean {
    if (!this.practice.enabled) return false;
    const { cursor, current } = this.model.state;
    if (current !== to || cursor <= (this.model.graph?.forwardSteps ?? 0)) return false;
    const node = this.model.node(to);
    const input = node ? this.model.node(node.inputs[index]) : undefined;
    if (!input || input.constant || !this.model.edgeGrad({ from: input.id, to, index })) return false;
    return !this.practice.isSolved(to, index);
  }

  private hiddenEdges(): Set<string> {
    const out = new Set<string>();
    const current = this.model.state.current;
    const node = current === null ? undefined : this.model.node(current);
    node?.inputs.forEach((_, index) => {
      if (this.practiceHidden(node.id, index)) out.add(edgeKey(node.id, index));
    });
    return out;
  }

  private setPractice(enabled: boolean): void {
    this.practice.enabled = enabled;
    this.root.classList.toggle('practicing', enabled);
    if (this.model.graph) this.onUpdate(this.model.state, { nodes: new Set(), edges: new Set() }, false);
  }

  private answer(to: number, index: number, text: string): 'right' | 'wrong' | 'invalid' {
    const node = this.model.node(to);
    const expected = node ? this.model.edgeGrad({ from: node.inputs[index], to, index }) : undefined;
    if (!expected) return 'invalid';
    const result = checkAnswer(text, expected);
    if (result !== 'invalid') this.practice.answer(to, index, result);
    this.onUpdate(this.model.state, { nodes: new Set(), edges: new Set() }, false);
    return result;
  }

  /** Back to follow mode: the detail pane shows each step's node again (and the host unpins too). */
  private unpin(): void {
    this.view.setSelected(null);
    this.detail.show(null);
    change({ kind: 'select', node: null, reveal: false });
    this.persist();
  }

  private command(command: StepCommand): void {
    change({ kind: 'command', command });
  }

  private viewAction(action: 'zoomIn' | 'zoomOut' | 'fit'): void {
    this.userMovedView = action !== 'fit';
    if (action === 'fit') this.view.panZoom.fit();
    else this.view.panZoom.zoomBy(action === 'zoomIn' ? 1.25 : 0.8);
  }

  private showError(message: string, line?: number, column?: number): void {
    this.errorBanner.replaceChildren();
    const where = typeof line === 'number' ? ` (${t('line')} ${line}${typeof column === 'number' ? `, ${t('column')} ${column}` : ''})` : '';
    const text = h('span', 'error-text');
    text.textContent = `${message}${where}`;
    const close = h('button', 'link-button');
    close.type = 'button';
    close.textContent = '×';
    close.setAttribute('aria-label', t('close'));
    close.addEventListener('click', () => (this.errorBanner.hidden = true));
    this.errorBanner.append(text, close);
    this.errorBanner.hidden = false;
  }

  private onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    // Form controls keep their own keys (the slider moves itself and sends goTo).
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
    if (!this.model.graph) return;
    const handled = (): void => {
      e.preventDefault();
      e.stopPropagation();
    };
    switch (e.key) {
      case 'ArrowLeft':
        if (!e.shiftKey) {
          handled();
          this.command('previousStep');
        }
        break;
      case 'ArrowRight':
        handled();
        this.command(e.shiftKey ? 'stepBackward' : 'nextStep');
        break;
      case 'Home':
        handled();
        this.command('reset');
        break;
      case 'End':
        handled();
        change({ kind: 'goTo', step: this.model.state.totalSteps });
        break;
      case 'f':
      case 'F':
        handled();
        this.viewAction('fit');
        break;
      case '+':
      case '=':
        handled();
        this.viewAction('zoomIn');
        break;
      case '-':
        handled();
        this.viewAction('zoomOut');
        break;
      case 'Escape':
        if (this.detail.selectedId !== null) {
          handled();
          this.unpin();
        }
        break;
    }
  }

  /** setState on every change, batched to one write per frame. */
  private persist(): void {
    if (this.saveQueued) return;
    this.saveQueued = true;
    queueMicrotask(() => {
      this.saveQueued = false;
      const g = this.model.graph;
      if (!g) return;
      saveState({
        uri: g.uri,
        cursor: this.model.state.cursor,
        expanded: g.expanded,
        selected: this.detail.selectedId,
        view: this.currentView,
        layoutKey: g.layoutKey,
        scores: this.practice.allScores(),
      });
    });
  }
}

/** Writes a text only when it differs: the same text written again still lays the box out again. */
function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Asks the host for a change: the one door for steps, cursor, selection and practice. */
function change(c: PanelChange): void {
  post({ type: 'change', change: c });
}

/** Above this many nodes a new layout is announced before it runs. */
const BIG_GRAPH = 300;

let measurer: MeasureText | undefined;
function textMeasurerCached(): MeasureText {
  measurer ??= textMeasurer();
  return measurer;
}

new Panel();
