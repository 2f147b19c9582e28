/**
 * Backprop Stepper: entry of the extension (the same bundle runs in the Node and the web
 * extension host, so nothing here or in src/host uses Node APIs).
 */
import * as vscode from 'vscode';
import type { BackpropStepperApi } from './api';
import { registerCommands } from './host/commands';
import { SessionController } from './host/controller';
import { EditorFeatures } from './host/editorFeatures';
import { createEngine } from './host/engineBinding';
import { ExamplesProvider } from './host/examples';
import { NodesTreeProvider, type NodeItem } from './host/nodesTree';
import { PANEL_VIEW_TYPE, StepperPanel, parsePersistedState } from './host/panel';
import type { GraphSession } from './host/session';
import { StatusBar } from './host/statusBar';
import { PanelStateStore } from './host/stateStore';
import { registerTrainingCommands } from './host/train/commands';

export function activate(context: vscode.ExtensionContext): BackpropStepperApi {
  const controller = new SessionController(createEngine());
  const examples = new ExamplesProvider(context.extensionUri);
  const nodes = new NodesTreeProvider(controller);
  const nodesView = vscode.window.createTreeView<NodeItem>('backprop.nodes', { treeDataProvider: nodes, showCollapseAll: true });
  const examplesView = vscode.window.createTreeView('backprop.examples', { treeDataProvider: examples });
  nodesView.description = controller.current?.fileName ?? '';

  /** Shows a node's line in its editor (beside the panel), optionally without taking focus. */
  const revealNode = async (session: GraphSession, id: number, focusEditor: boolean): Promise<void> => {
    const n = session.node(id);
    if (!n) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(session.uri));
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const line = Math.min(Math.max(0, n.range.start.line - 1), doc.lineCount - 1);
    const range = new vscode.Range(line, Math.max(0, n.range.start.column - 1), line, Math.max(0, n.range.start.column - 1));
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: !focusEditor,
      preview: false,
      selection: range,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  };

  const store = new PanelStateStore(context.storageUri ?? context.globalStorageUri);
  /** Keeps the host-side copy of the panel's state current (see stateStore.ts). */
  const rememberPanel = (): void => {
    const s = controller.current;
    if (!panel.isOpen) store.save(null);
    else if (s) store.save({ uri: s.uri, cursor: s.cursor, expanded: s.expanded, selected: panel.selectedNode });
  };

  let revealingInTree = false;
  const panel = new StepperPanel(context.extensionUri, controller, {
    runCommand: (command) => runner.run(command),
    stateChanged: () => rememberPanel(),
    selectNode: (session, id, how) => {
      void revealNode(session, id, how === 'reveal');
      if (nodesView.visible) {
        revealingInTree = true;
        void Promise.resolve(nodesView.reveal(nodes.itemFor(id), { select: true, focus: false })).finally(() => {
          revealingInTree = false;
        });
      }
    },
  });
  const runner = registerCommands(context, { controller, panel, examples, revealNode });

  context.subscriptions.push(
    controller,
    nodes,
    nodesView,
    examplesView,
    panel,
    new EditorFeatures(controller),
    new StatusBar(controller),
    controller.onDidStep(() => rememberPanel()),
    controller.onDidChangeGraph((s) => {
      rememberPanel();
      // The Nodes view says which file it shows, and when that file does not compile.
      nodesView.description = s?.fileName ?? '';
      nodesView.message = s?.stale ? vscode.l10n.t('The file has errors: showing the last graph that compiled.') : undefined;
    }),
    nodesView.onDidChangeSelection((e) => {
      if (revealingInTree) return;
      const item = e.selection[0];
      const session = controller.current;
      if (!item || !session) return;
      const id = item.kind === 'node' ? item.id : item.target;
      panel.select(id);
      void revealNode(session, id, false);
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, raw: unknown) {
        // Our copy first: it is written on every change, while the webview's own state is saved
        // by VS Code at shutdown and can be stale or missing after a browser reload.
        const state = (await store.load()) ?? parsePersistedState(raw);
        if (state) {
          try {
            const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(state.uri));
            const session = controller.ensureSession(doc);
            if (session.expanded !== state.expanded) controller.setExpanded(session, state.expanded);
            controller.setCurrent(session);
            controller.goTo(state.cursor, session);
          } catch {
            // The file is gone: the panel opens on whatever is current (or empty).
          }
        }
        await panel.restore(webviewPanel);
        if (state?.selected !== null && state?.selected !== undefined && controller.current?.node(state.selected)) panel.select(state.selected);
      },
    }),
  );

  // Gradient Check and Train Two-Layer Net (the training helper's commands and panel).
  const training = registerTrainingCommands(context);

  const api: BackpropStepperApi = {
    session: () => controller.current?.snapshot(),
    panelOpen: () => panel.isOpen,
  };
  // The training status is an optional test hook of the API.
  return Object.assign(api, { trainingStatus: () => training.trainingStatus() });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
