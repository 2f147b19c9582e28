/**
 * Backprop Stepper: entry of the extension (the same bundle runs in the Node and the web
 * extension host, so nothing here or in src/host uses Node APIs).
 */
// First import: its module body runs before the rest of the bundle (activation timing).
import { bundleLoadStart } from './host/loadClock';
import * as vscode from 'vscode';
import type { BackpropStepperApi } from './host/api';
import { registerCommands } from './host/commands';
import { registerDebugger } from './host/debug';
import { SessionController, isBackpropDocument } from './host/controller';
import { EditorFeatures } from './host/editorFeatures';
import { createEngine } from './host/engineBinding';
import { ExamplesProvider } from './host/examples';
import { figuresByFile } from './host/examplesIndex';
import { NodesTreeProvider, bindNodesSelection, type NodeItem } from './host/nodesTree';
import { PANEL_VIEW_TYPE, StepperPanel, parsePersistedState } from './host/panel';
import type { GraphSession } from './host/session';
import type { RevealMode } from './host/commands';
import { StartingIndicator, StatusBar } from './host/statusBar';
import { PanelStateStore } from './host/stateStore';
import { registerTrainingCommands } from './host/train/commands';
import { TraceCommand } from './host/traceCommand';

export function activate(context: vscode.ExtensionContext): BackpropStepperApi {
  // First: the user sees the stepper coming while the rest loads and the first CodeLens is asked for.
  const starting = new StartingIndicator();
  context.subscriptions.push(starting);
  const controller = new SessionController(createEngine());
  // Examples open in the group beside the panel (declared below), never over it.
  const examples: ExamplesProvider = new ExamplesProvider(context.extensionUri, () => (panel.isOpen ? besidePanel() : undefined));
  const nodes = new NodesTreeProvider(controller);
  const nodesView = vscode.window.createTreeView<NodeItem>('backprop.nodes', { treeDataProvider: nodes, showCollapseAll: true });
  const examplesView = vscode.window.createTreeView('backprop.examples', { treeDataProvider: examples });
  nodesView.description = controller.current?.fileName ?? '';

  /**
   * Shows a node's line. 'ifVisible': only in an editor already showing the file (a click in the
   * panel must not cover it); 'show': also opens the file, in a group other than the panel's,
   * keeping the focus; 'focus': opens it and moves the focus there.
   */
  const revealNode = async (session: GraphSession, id: number, mode: RevealMode): Promise<void> => {
    const n = session.node(id);
    if (!n) return;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === session.uri);
    if (!visible && mode === 'ifVisible') return;
    const doc = visible?.document ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(session.uri)));
    const line = Math.min(Math.max(0, n.range.start.line - 1), doc.lineCount - 1);
    const at = new vscode.Position(line, Math.max(0, n.range.start.column - 1));
    const range = doc.validateRange(new vscode.Range(at, at));
    if (visible && mode !== 'focus') {
      visible.selection = new vscode.Selection(range.start, range.start);
      visible.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return;
    }
    const column = visible?.viewColumn ?? besidePanel();
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preserveFocus: mode !== 'focus', preview: false, selection: range });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  };

  /** An editor column other than the panel's: one already showing a text editor, else the first free one. */
  const besidePanel = (): vscode.ViewColumn => {
    const panelColumn = panel.viewColumn;
    const other = vscode.window.visibleTextEditors.find((e) => e.viewColumn !== undefined && e.viewColumn !== panelColumn)?.viewColumn;
    return other ?? (panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
  };

  const store = new PanelStateStore(context.storageUri ?? context.globalStorageUri);
  /** Keeps the host-side copy of the panel's state current (see stateStore.ts). */
  const rememberPanel = (panelEvent: boolean): void => {
    const s = controller.current;
    if (panel.isOpen) {
      if (s) store.save({ uri: s.uri, cursor: s.cursor, expanded: s.expanded, selected: controller.selection });
    } else if (panelEvent) {
      // Closed by the user. (Not on other events: right after a reload the panel is not attached
      // yet, and clearing the copy then would lose what the serializer is about to read.)
      store.save(null);
    }
  };

  const panel: StepperPanel = new StepperPanel(context.extensionUri, controller, {
    change: (c) => runner.change(c),
    figures: async () => figuresByFile(await examples.load()),
  });
  const runner = registerCommands(context, { controller, panel, examples, revealNode });
  // The debugger (debug type `backprop`) steps the same cursor; the panel shows beside it.
  registerDebugger(context, controller, () => panel.show(true));

  context.subscriptions.push(
    controller,
    nodes,
    nodesView,
    examplesView,
    panel,
    new EditorFeatures(controller, () => starting.dispose()),
    new TraceCommand(context.extensionUri, controller, panel),
    new StatusBar(controller),
    controller.onDidChangeView((e) => {
      rememberPanel(e.panel);
      if (!e.graph) return;
      // The Nodes view says which file it shows, and when that file does not compile.
      const description = e.session?.fileName ?? '';
      const message = e.session?.stale ? vscode.l10n.t('The file has errors: showing the last graph that compiled.') : undefined;
      if (nodesView.description !== description) nodesView.description = description;
      if (nodesView.message !== message) nodesView.message = message;
    }),
    // Picking a node in the Nodes view pins it (the panel shows it) and shows its line.
    bindNodesSelection(controller, nodes, nodesView, (session, id) => void revealNode(session, id, 'show')),
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
        if (state?.selected !== null && state?.selected !== undefined) controller.select(state.selected);
      },
    }),
  );

  // `npm start` (test/vscode/serve.ts) asks for the stepper beside the first .backprop editor it
  // opens, through its code-server's environment (the Node host's; the web host has none).
  const launchEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (launchEnv?.BACKPROP_OPEN_STEPPER === '1') {
    const openBeside = (editor: vscode.TextEditor | undefined): boolean => {
      if (!isBackpropDocument(editor?.document)) return false;
      void runner.openStepper();
      return true;
    };
    if (!openBeside(vscode.window.activeTextEditor)) {
      const once = vscode.window.onDidChangeActiveTextEditor((e) => {
        if (openBeside(e)) once.dispose();
      });
      context.subscriptions.push(once);
    }
  }

  // Gradient Check and Train Two-Layer Net (the training helper's commands and panel).
  const training = registerTrainingCommands(context, (uri) => controller.fileWritten(uri));

  const api: BackpropStepperApi = {
    session: () => controller.current?.snapshot(),
    panelOpen: () => panel.isOpen,
    activationMs: () => activationMs,
  };
  // Bundle evaluation start → end of activate(), for the benchmark in a real VS Code.
  const activationMs = performance.now() - bundleLoadStart;
  // The training status is an optional test hook of the API.
  return Object.assign(api, { trainingStatus: () => training.trainingStatus() });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
