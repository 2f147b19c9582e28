/**
 * The sidebar's Nodes view: the current graph's nodes in step order, each with its value and
 * gradient as the description ("715 · ∂ 1"), shape and full values in the tooltip, and its inputs
 * and outputs as children. Renders from the controller: refreshes only the nodes a step touched
 * (once per turn), and its selection is the controller's pinned node (bindNodesSelection).
 */
import * as vscode from 'vscode';
import type { SessionController } from './controller';
import { escapeMarkdown, formatValueAndGrad, shapeTuple, tensorMarkdown } from '../shared/format';
import { originText } from './editorFeatures';
import type { GraphSession } from './session';

export type NodeItem =
  | { kind: 'node'; id: number }
  | { kind: 'link'; parent: number; target: number; dir: 'in' | 'out'; index: number };

export class NodesTreeProvider implements vscode.TreeDataProvider<NodeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<NodeItem | NodeItem[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Stable element objects per node (VS Code compares elements by identity). */
  private items = new Map<number, NodeItem>();
  private session: GraphSession | undefined;
  private graphVersion: unknown;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(controller: SessionController) {
    this.disposables.push(
      this.changed,
      controller.onDidChangeView((e) => {
        if (e.graph || e.session !== this.session) return this.reset(e.session);
        if (!e.step || !e.session || e.touched.length === 0) return;
        // The nodes whose value, gradient or current-step icon changed; and, since children
        // (input/output links) show their target's value, the nodes that link to them.
        const linked = new Set<number>();
        for (const id of e.touched) {
          e.session.node(id)?.inputs.forEach((i) => linked.add(i));
          e.session.consumersOf(id).forEach((c) => linked.add(c));
        }
        for (const id of e.touched) linked.delete(id);
        this.changed.fire([...e.touched, ...linked].map((id) => this.itemFor(id)));
      }),
    );
    this.session = controller.current;
  }

  /** The element of a node (for TreeView.reveal). */
  itemFor(id: number): NodeItem {
    let it = this.items.get(id);
    if (!it) {
      it = { kind: 'node', id };
      this.items.set(id, it);
    }
    return it;
  }

  private reset(s: GraphSession | undefined): void {
    if (s !== this.session || s?.graph !== this.graphVersion) {
      this.items = new Map();
      this.graphVersion = s?.graph;
    }
    this.session = s;
    this.changed.fire(undefined);
  }

  getTreeItem(item: NodeItem): vscode.TreeItem {
    const s = this.session;
    const id = item.kind === 'node' ? item.id : item.target;
    const n = s?.node(id);
    if (!s || !n) return new vscode.TreeItem('?');
    const value = s.value(id);
    const grad = s.grad(id);
    const desc = formatValueAndGrad(value, grad);
    if (item.kind === 'link') {
      const arrow = item.dir === 'in' ? '←' : '→';
      const ti = new vscode.TreeItem(`${arrow} ${n.label}`, vscode.TreeItemCollapsibleState.None);
      ti.description = desc;
      ti.contextValue = 'nodeLink';
      ti.tooltip = item.dir === 'in' ? vscode.l10n.t('input {0} of {1}', item.index + 1, s.node(item.parent)?.label ?? '') : vscode.l10n.t('used by {0}', n.label);
      ti.command = { command: 'backprop.revealNode', title: vscode.l10n.t('Reveal in Editor'), arguments: [id] };
      return ti;
    }
    const hasLinks = n.inputs.length > 0 || s.consumersOf(id).length > 0;
    const ti = new vscode.TreeItem(n.label, hasLinks ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    ti.id = `${s.uri}#${s.layoutKey}#${id}`;
    ti.description = desc;
    const leaf = n.op === 'leaf';
    const symbol = leaf ? '' : s.nodeSymbol(n);
    ti.iconPath = new vscode.ThemeIcon(
      s.currentNode() === id ? 'debug-stackframe' : leaf ? (n.constant ? 'symbol-constant' : 'symbol-variable') : 'symbol-operator',
      grad ? new vscode.ThemeColor('charts.red') : value && !leaf ? new vscode.ThemeColor('charts.blue') : undefined,
    );
    ti.contextValue = leaf ? 'nodeLeaf' : 'nodeOp';
    // A traced script's node whose numbers differ from the engine's rule.
    const mismatch = s.mismatches.get(id);
    if (mismatch) {
      ti.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      ti.description = `${vscode.l10n.t('differs from the rule')} · ${desc}`;
    }
    const md = new vscode.MarkdownString(undefined, true);
    if (mismatch) md.appendMarkdown(`$(warning) ${escapeMarkdown(vscode.env.language.startsWith('ko') ? mismatch.message.ko : mismatch.message.en)}\n\n`);
    const label = escapeMarkdown(n.label);
    md.appendMarkdown(`**${label}** ${leaf ? vscode.l10n.t('input') : `\`${symbol || n.op}\``} — ${vscode.l10n.t('shape')} \`${shapeTuple(n.shape)}\`\n\n`);
    const origin = originText(n);
    if (origin) md.appendMarkdown(`${origin}\n\n`);
    if (!leaf) {
      const fs = (s.stepper?.stepOfNode(id, 'forward') ?? -1) + 1;
      const bs = (s.stepper?.stepOfNode(id, 'backward') ?? -1) + 1;
      md.appendMarkdown(`${vscode.l10n.t('forward step {0}, backward step {1}', fs, bs)}\n\n`);
    }
    md.appendMarkdown(`${vscode.l10n.t('value')}:\n\n${value ? tensorMarkdown(value) : vscode.l10n.t('not computed yet')}\n\n`);
    md.appendMarkdown(`${vscode.l10n.t('gradient')} ∂L/∂${label}:\n\n${grad ? tensorMarkdown(grad) : vscode.l10n.t('not computed yet')}`);
    ti.tooltip = md;
    ti.accessibilityInformation = { label: `${n.label} ${desc}` };
    return ti;
  }

  getChildren(item?: NodeItem): NodeItem[] {
    const s = this.session;
    const g = s?.graph;
    if (!s || !g) return [];
    if (!item) return g.nodes.map((n) => this.itemFor(n.id));
    if (item.kind !== 'node') return [];
    const n = g.nodes[item.id];
    const ins: NodeItem[] = n.inputs.map((target, index) => ({ kind: 'link', parent: n.id, target, dir: 'in', index }));
    const outs: NodeItem[] = s.consumersOf(n.id).map((target, index) => ({ kind: 'link', parent: n.id, target, dir: 'out', index }));
    return [...ins, ...outs];
  }

  getParent(item: NodeItem): NodeItem | undefined {
    return item.kind === 'link' ? this.itemFor(item.parent) : undefined;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * The Nodes view's selection shows the controller's pinned node (revealed while the view is
 * visible, unless the view already has that node selected); picking a node in the view pins it,
 * and `picked` runs only when that changed something (so the view's own reveal, echoed back as a
 * selection, does nothing).
 */
export function bindNodesSelection(
  controller: SessionController,
  provider: NodesTreeProvider,
  view: vscode.TreeView<NodeItem>,
  picked: (session: GraphSession, id: number) => void,
): vscode.Disposable {
  const idOf = (item: NodeItem | undefined): number | undefined => (item === undefined ? undefined : item.kind === 'node' ? item.id : item.target);
  const subscriptions = [
    controller.onDidChangeView((e) => {
      const id = controller.selection;
      if (!e.selection || id === null || !view.visible || idOf(view.selection[0]) === id) return;
      void Promise.resolve(view.reveal(provider.itemFor(id), { select: true, focus: false })).catch(() => undefined);
    }),
    view.onDidChangeSelection((e) => {
      const id = idOf(e.selection[0]);
      const session = controller.current;
      if (id === undefined || !session) return;
      if (controller.select(id, session)) picked(session, id);
    }),
  ];
  return { dispose: () => subscriptions.forEach((d) => d.dispose()) };
}
