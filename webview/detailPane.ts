/**
 * The detail pane of the selected node: its forward value, the gradient that arrives from
 * downstream (dout), the gradient it sends to each input, and its local rule in words and as a
 * formula (the book's "multiply: swap the inputs", "add: pass through", …).
 */
import { locale, t } from './i18n';
import type { LocalText, NodeInfo } from '../src/shared/protocol';
import { type PanelModel, edgeKey } from './model';
import type { Practice } from './practice';
import { renderTensor } from './tensorView';
import { previewText, shapeText } from './tensorFormat';
import { h } from './dom';


export interface DetailCallbacks {
  onSelect(id: number): void;
  onReveal(id: number): void;
  /** "Follow the current step": unpin the node shown. */
  onFollow(): void;
  /** Practice: the student's answer for the gradient sent into argument `index` of node `to`. */
  onAnswer(to: number, index: number, text: string): 'right' | 'wrong' | 'invalid';
  onStopPractice(): void;
  /** A cell of a matrix product's gradient was clicked: ask the host to write its dot product out. */
  onExplainElement(node: number, input: number, row: number, col: number): void;
}

export class DetailPane {
  private selected: number | null = null;
  /** Tensors the user expanded with "show all", kept while stepping. */
  private readonly expanded = new Set<string>();

  /** Written-out elements of product gradients, by edge key (the host's answer to a cell click). */
  private readonly elements = new Map<string, LocalText>();

  /** The host wrote out a clicked element. */
  showElement(node: number, input: number, text: LocalText | null): void {
    if (text) this.elements.set(edgeKey(node, input), text);
    else this.elements.delete(edgeKey(node, input));
    this.render();
  }

  /** Practice: what the last answer for an edge got ("wrong", "invalid"), shown under its input. */
  private readonly feedback = new Map<string, 'right' | 'wrong' | 'invalid'>();

  constructor(
    private readonly root: HTMLElement,
    private readonly model: PanelModel,
    private readonly callbacks: DetailCallbacks,
    private readonly practice?: Practice,
    private readonly hidden: (to: number, index: number) => boolean = () => false,
  ) {
    root.setAttribute('aria-label', t('detail'));
    root.setAttribute('aria-live', 'polite');
  }

  /** Pins a node (a click), or with null goes back to following the steps. */
  show(id: number | null): void {
    this.selected = id;
    this.render();
  }

  /** The pinned node, or null while the pane follows the current step. */
  get selectedId(): number | null {
    return this.selected;
  }

  /**
   * Follow mode: the node of the step just run, or before the first step the node it will run,
   * so the pane is never empty while a graph is shown.
   */
  private followedId(): number | null {
    const current = this.model.state.current;
    if (current !== null) return current;
    return this.model.graph?.nodes.find((n) => n.forwardStep === 0)?.id ?? null;
  }

  render(): void {
    const following = this.selected === null;
    const id = this.selected ?? this.followedId();
    const node = id === null ? undefined : this.model.node(id);
    this.root.replaceChildren();
    this.root.setAttribute('aria-label', t('detail'));
    if (id === null || !node) {
      this.root.classList.add('empty');
      delete this.root.dataset.detailNode;
      this.root.append(h('p', 'muted hint', t('noSelection')));
      return;
    }
    this.root.classList.remove('empty');
    this.root.dataset.detailNode = node.label;
    this.root.dataset.following = String(following);
    const graph = this.model.graph;

    const header = h('header', 'detail-header');
    const badge = h('span', `badge${node.leaf ? ' leaf' : ''}`, node.leaf ? (node.constant ? 'c' : 'x') : node.symbol);
    const title = h('h2', 'detail-title', node.label);
    header.append(badge, title);
    const meta = h('div', 'detail-meta');
    const kind = node.leaf ? (node.constant ? t('constant') : t('leaf')) : node.op;
    meta.append(h('span', undefined, kind));
    meta.append(h('span', 'shape-chip', node.shape.length ? `${t('shape')} ${shapeText(node.shape)}` : t('scalar')));
    if (graph && node.id === graph.output) meta.append(h('span', 'tag', t('output')));
    if (node.origin) {
      const origin = h('span', 'origin', `${t('loadedFrom')} ${node.origin.file}${node.origin.key === undefined ? '' : ` › ${node.origin.key}`}`);
      origin.title = node.origin.key === undefined ? node.origin.file : `${node.origin.file} › ${node.origin.key}`;
      meta.append(origin);
    }
    if (node.line > 0) {
      const link = h('button', 'link-button', `${t('line')} ${node.line}`);
      link.type = 'button';
      link.title = t('goToLine');
      link.addEventListener('click', () => this.callbacks.onReveal(node.id));
      meta.append(link);
    }
    if (following) {
      meta.append(h('span', 'tag following', t('following')));
    } else {
      const follow = h('button', 'link-button follow-button', t('followStep'));
      follow.type = 'button';
      follow.addEventListener('click', () => this.callbacks.onFollow());
      meta.append(follow);
    }
    header.append(meta);
    if (this.practice?.enabled) this.root.append(this.practiceBar());
    this.root.append(header);
    this.renderStep(node);

    const explain = this.model.state.explain;
    const asking = node.inputs.some((_, i) => this.hidden(node.id, i));
    const missed = node.inputs.some((_, i) => this.practice?.isMissed(node.id, i));
    if (explain?.length && node.id === this.model.state.current && (!asking || missed)) {
      const arith = h('section', 'detail-arith');
      arith.append(h('h3', undefined, t('arithmetic')));
      const lang = locale();
      // While practising, a gradient still to be found keeps its line hidden.
      const pending = node.inputs.filter((_, i) => this.hidden(node.id, i) && !this.practice?.isMissed(node.id, i)).map((i) => `∂L/∂${this.model.node(i)?.label ?? ''} =`);
      for (const line of explain) {
        const text = line[lang] || line.en;
        if (!pending.some((p) => text.startsWith(p))) arith.append(h('div', 'arith-line', text));
      }
      this.root.append(arith);
    }

    if (node.mismatch) {
      // A traced script whose numbers differ from the engine's rule here: say what, and show both.
      const m = node.mismatch;
      const box = h('section', 'detail-mismatch');
      box.append(h('h3', undefined, t('mismatch')));
      box.append(h('p', 'mismatch-text', m.message[locale()] || m.message.en));
      const pair = h('div', 'mismatch-pair');
      for (const [label, value] of [[t('yours'), m.yours], [t('reference'), m.reference]] as const) {
        const col = h('div', 'mismatch-col');
        col.append(h('span', 'muted', label));
        col.append(h('code', undefined, value ? previewText(value) : '—'));
        pair.append(col);
      }
      box.append(pair);
      this.root.append(box);
    }

    const ruleText = node.rule[locale()] || node.rule.en;
    if (ruleText || node.formula) {
      const rule = h('section', 'detail-rule');
      rule.append(h('h3', undefined, t('rule')));
      if (ruleText) rule.append(h('p', 'rule-text', ruleText));
      if (node.formula) {
        const f = h('pre', 'formula');
        f.append(h('code', undefined, node.formula));
        rule.append(f);
      }
      this.root.append(rule);
    }

    if (node.inputs.length) {
      const inputs = h('div', 'detail-inputs');
      inputs.append(h('span', 'muted', `${t('inputs')}: `));
      node.inputs.forEach((inputId, i) => {
        const input = this.model.node(inputId);
        if (!input) return;
        if (i > 0) inputs.append(', ');
        inputs.append(this.nodeLink(inputId, input.label));
      });
      this.root.append(inputs);
    }

    const users = this.model.consumers.get(node.id) ?? [];
    if (users.length) {
      const used = h('div', 'detail-inputs');
      used.append(h('span', 'muted', `${t('usedBy')}: `));
      users.forEach((e, i) => {
        const user = this.model.node(e.to);
        if (!user) return;
        if (i > 0) used.append(', ');
        used.append(this.nodeLink(e.to, user.label));
      });
      this.root.append(used);
    }
  }

  /** What matters for the step, first: the value, the gradient arriving (dout), the gradients sent on. */
  private renderStep(node: NodeInfo): void {
    const tensorOpts = (key: string, gradient = false) => ({ key: `${node.id}:${key}`, expanded: this.expanded, onToggle: () => this.render(), gradient });
    const noGradient = (n: NodeInfo): string => (n.name ? t('labelsNoGrad') : t('constantNoGrad'));

    this.section(t('value'), renderTensor(this.model.values.get(node.id), tensorOpts('value')), 'value');

    if (node.leaf) {
      const grad = node.constant ? h('span', 'muted no-grad', noGradient(node)) : renderTensor(this.model.grads.get(node.id), tensorOpts('grad', true));
      this.section(t('leafGrad'), grad, 'grad');
    } else {
      this.section(t('dout'), renderTensor(this.model.grads.get(node.id), tensorOpts('grad', true)), 'grad');
      const out = h('section', 'detail-section out-grads');
      out.dataset.stepItem = 'outGrads';
      out.append(h('h3', undefined, t('outGrads')));
      node.inputs.forEach((inputId, index) => {
        const input = this.model.node(inputId);
        const row = h('div', 'out-grad');
        row.dataset.input = String(index);
        const label = h('div', 'out-grad-label');
        label.append(h('span', 'partial', '∂L/∂'), this.nodeLink(inputId, input?.label ?? String(inputId)));
        if (this.hidden(node.id, index)) {
          row.append(label, this.practiceInput(node, index));
          out.append(row);
          return;
        }
        const product = node.op === 'matmul' || node.op === 'affine';
        const opts = { ...tensorOpts(`in${index}`, true), ...(product ? { onCell: (r: number, c: number) => this.callbacks.onExplainElement(node.id, index, r, c) } : {}) };
        const body = input?.constant ? h('span', 'muted no-grad', noGradient(input)) : renderTensor(this.model.edgeGrad({ from: inputId, to: node.id, index }), opts);
        row.append(label, body);
        const element = this.elements.get(edgeKey(node.id, index));
        if (element) {
          const line = h('div', 'arith-line element-arith', element[locale()] || element.en);
          line.dataset.elementOf = String(index);
          row.append(line);
        }
        if (this.feedback.get(edgeKey(node.id, index)) === 'right') row.append(h('span', 'practice-feedback right', `✓ ${t('practiceRight')}`));
        out.append(row);
      });
      this.root.append(out);
    }
  }

  private practiceBar(): HTMLElement {
    const bar = h('div', 'practice-bar');
    const score = this.practice?.score() ?? { right: 0, wrong: 0 };
    const text = h('span', 'practice-score', `${t('practiceMode')} · ${t('practiceScore')} ✓ ${score.right} · ✗ ${score.wrong}`);
    text.dataset.right = String(score.right);
    text.dataset.wrong = String(score.wrong);
    const stop = h('button', undefined, t('practiceStop'));
    stop.type = 'button';
    stop.addEventListener('click', () => this.callbacks.onStopPractice());
    bar.append(text, stop);
    return bar;
  }

  /** A box for the student's answer, its Check button, and what the last answer got. */
  private practiceInput(node: NodeInfo, index: number): HTMLElement {
    const key = edgeKey(node.id, index);
    const wrap = h('div', 'practice-row');
    const input = h('input');
    input.type = 'text';
    input.spellcheck = false;
    input.placeholder = t('practicePlaceholder');
    input.setAttribute('aria-label', `${t('practiceAskFor')} ∂L/∂${this.model.node(node.inputs[index])?.label ?? ''}`);
    input.dataset.practiceInput = String(index);
    const check = h('button', undefined, t('practiceCheck'));
    check.type = 'button';
    const submit = (): void => {
      const result = this.callbacks.onAnswer(node.id, index, input.value);
      this.feedback.set(key, result);
      this.render();
      // The pane was drawn again: keep the student in the next box still to answer.
      const next = this.root.querySelector<HTMLInputElement>('input[data-practice-input]');
      next?.focus();
    };
    check.addEventListener('click', submit);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        submit();
      }
    });
    wrap.append(input, check);
    const last = this.feedback.get(key);
    if (last === 'invalid') wrap.append(h('div', 'practice-feedback wrong', t('practiceInvalid')));
    if (last === 'wrong') {
      const label = this.model.node(node.inputs[index])?.label ?? '';
      const lang = locale();
      const line = this.model.state.explain?.map((l) => l[lang] || l.en).find((l) => l.startsWith(`∂L/∂${label} =`));
      const fb = h('div', 'practice-feedback wrong');
      fb.append(h('div', undefined, `✗ ${t('practiceWrong')} ${node.rule[lang] || node.rule.en}`));
      if (line) fb.append(h('div', 'arith-line', line));
      wrap.append(fb);
    }
    return wrap;
  }

  private section(title: string, body: HTMLElement, kind: string): void {
    const s = h('section', `detail-section ${kind}`);
    s.dataset.stepItem = kind;
    s.append(h('h3', undefined, title), body);
    this.root.append(s);
  }

  private nodeLink(id: number, label: string): HTMLButtonElement {
    const b = h('button', 'link-button node-link', label);
    b.type = 'button';
    b.addEventListener('click', () => this.callbacks.onSelect(id));
    return b;
  }
}
