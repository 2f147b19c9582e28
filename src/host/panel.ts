/**
 * The stepper panel (webview): HTML with a strict nonce CSP, the message plumbing of
 * `src/shared/protocol.ts` (everything received is validated with `parseWebviewMessage`), and
 * incremental updates: `graph` when the graph (or the session shown) changes, `update` with only the
 * deltas after a step, `select` when the pinned node changes. The panel renders the controller's
 * current session, cursor and selection; every change the webview asks for (a step command, a
 * cursor, a selection, practice mode) goes through one door, the `change` hook.
 */
import * as vscode from 'vscode';
import type { FigureFormat, HostToWebview, PanelChange } from '../shared/protocol';
import { parseWebviewMessage } from '../shared/protocol';
import { PANEL_VIEW_TYPE, makeNonce, panelHtml } from './panelHtml';
import { localizeTable, STEPPER_TEXT } from '../shared/uiText';
import type { SessionController, ViewChange } from './controller';
import type { GraphSession, StepDeltas } from './session';

export { PANEL_VIEW_TYPE, parsePersistedState } from './panelHtml';

export interface PanelHooks {
  /** The webview asked for a change: a step command, a cursor, a selection, practice on or off. */
  change(change: PanelChange): void | Promise<void>;
  /** The built-in examples' figure numbers by file name (read once). */
  figures?(): Promise<Map<string, string[]>>;
}

export class StepperPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /** The webview has posted `ready` since it was (re)loaded: messages now arrive. */
  private ready = false;
  /** The session whose graph the webview has. */
  private shown: GraphSession | undefined;
  private disposing = false;
  private figures = new Map<string, string[]>();
  /** Figures asked of the webview, by request id. */
  private readonly figureRequests = new Map<number, { resolve(data: string): void; reject(e: Error): void; format: FigureFormat }>();
  private nextFigure = 1;
  /** Resolved once the webview has posted `ready` (again after a reload). */
  private readyWaiters: (() => void)[] = [];
  /** Practice mode (Backprop: Practice Backward Pass), kept across reloads of the webview. */
  private practicing = false;
  private assets: Promise<{ styles: vscode.Uri[]; codicon: vscode.Uri | undefined }> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly controller: SessionController,
    private readonly hooks: PanelHooks,
  ) {
    void this.findAssets();
    void hooks.figures?.().then((m) => (this.figures = m), () => undefined);
    this.disposables.push(
      controller.onDidChangePanel((e) => this.render(e)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('backprop.panel.animate') || e.affectsConfiguration('workbench.reduceMotion')) this.sendMotion();
      }),
    );
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get isVisible(): boolean {
    return this.panel?.visible === true;
  }

  /** The editor column the panel is in, when open. */
  get viewColumn(): vscode.ViewColumn | undefined {
    return this.panel?.viewColumn;
  }

  /** Opens (or reveals) the panel on the current session. */
  async show(preserveFocus = true): Promise<void> {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      this.title(),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      this.webviewOptions(),
    );
    await this.attach(panel);
  }

  /**
   * The graph as the panel draws it now, as a figure: SVG text or base64 PNG. Opens the panel
   * when needed; fails after `timeoutMs` if the webview does not answer.
   */
  async requestFigure(format: FigureFormat, timeoutMs = 20_000): Promise<string> {
    // The step just taken must be drawn first: the views hear of it in a microtask.
    this.controller.flushViews();
    if (!this.panel) await this.show(true);
    const requestId = this.nextFigure++;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.figureRequests.delete(requestId);
        reject(new Error(vscode.l10n.t('The panel did not send the figure in time.')));
      }, timeoutMs);
      this.figureRequests.set(requestId, {
        format,
        resolve: (data) => {
          clearTimeout(timer);
          resolve(data);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      const ask = (): void => this.post({ type: 'exportFigure', requestId, format });
      if (this.ready) ask();
      else this.readyWaiters.push(ask);
    });
  }

  /** Whether practice mode is on. */
  get practice(): boolean {
    return this.practicing;
  }

  /** Turns practice mode on or off (opening the panel to practise in). */
  async setPractice(enabled: boolean): Promise<void> {
    this.practicing = enabled;
    if (enabled) await this.show(false);
    this.post({ type: 'practice', enabled });
  }

  /** Re-attaches a panel restored after a window reload (see the serializer in extension.ts). */
  async restore(panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = this.webviewOptions();
    if (this.panel) {
      // Only one stepper panel: a second restored one is closed.
      panel.dispose();
      return;
    }
    await this.attach(panel);
  }

  dispose(): void {
    // Deactivation (e.g. a window reload) must not close the panel: VS Code restores it through the
    // serializer. Only our listeners go.
    this.disposing = true;
    for (const d of this.panelDisposables) d.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
      ],
    };
  }

  private async attach(panel: vscode.WebviewPanel): Promise<void> {
    this.panel = panel;
    this.ready = false;
    this.shown = undefined;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'file-icon.svg');
    panel.title = this.title();
    this.panelDisposables = [
      panel.onDidDispose(() => this.detach()),
      panel.onDidChangeViewState((e) => {
        // Without retainContextWhenHidden the webview is torn down when hidden; it posts `ready`
        // again when shown, and gets the whole graph then.
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
    ];
    this.controller.setPanelOpen(true);
    panel.webview.html = await this.html(panel.webview);
  }

  private detach(): void {
    for (const d of this.panelDisposables) d.dispose();
    this.panelDisposables = [];
    this.panel = undefined;
    this.ready = false;
    this.shown = undefined;
    if (this.disposing) return;
    this.controller.setPanelOpen(false);
  }

  private title(): string {
    const s = this.controller.current;
    return s ? vscode.l10n.t('Backprop: {0}', s.fileName) : vscode.l10n.t('Backprop Stepper');
  }

  /**
   * Which optional stylesheets the build produced (a CSS file emitted by the webview bundle, the
   * codicon font sheet). Looked up once, at activation, so opening the panel costs no round trips.
   */
  private findAssets(): Promise<{ styles: vscode.Uri[]; codicon: vscode.Uri | undefined }> {
    this.assets ??= (async () => {
      const dist = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
      const media = vscode.Uri.joinPath(this.extensionUri, 'media');
      const exists = async (u: vscode.Uri) => {
        try {
          await vscode.workspace.fs.stat(u);
          return true;
        } catch {
          return false;
        }
      };
      const candidates = [vscode.Uri.joinPath(dist, 'main.css'), vscode.Uri.joinPath(media, 'webview.css')];
      const found = await Promise.all(candidates.map(exists));
      const codicon = vscode.Uri.joinPath(dist, 'codicon.css');
      return { styles: candidates.filter((_, i) => found[i]), codicon: (await exists(codicon)) ? codicon : undefined };
    })();
    return this.assets;
  }

  private async html(webview: vscode.Webview): Promise<string> {
    const assets = await this.findAssets();
    return panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      lang: vscode.env.language,
      title: vscode.l10n.t('Backprop Stepper'),
      script: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'main.js')).toString(),
      styles: assets.styles.map((u) => webview.asWebviewUri(u).toString()),
      codiconCss: assets.codicon ? webview.asWebviewUri(assets.codicon).toString() : undefined,
      uiText: localizeTable(STEPPER_TEXT, vscode.l10n.bundle),
    });
  }

  private receive(raw: unknown): void {
    const msg = parseWebviewMessage(raw);
    if (!msg) return; // untrusted input: ignore anything malformed
    const session = this.controller.current;
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.shown = undefined;
        for (const w of this.readyWaiters.splice(0)) w();
        this.sendMotion();
        if (session) this.sendGraph(session);
        this.sendSelection();
        if (this.practicing) this.post({ type: 'practice', enabled: true });
        break;
      case 'explainElement': {
        const text = session?.explainElement(msg.node, msg.input, msg.row, msg.col) ?? null;
        this.post({ type: 'elementExplain', node: msg.node, input: msg.input, row: msg.row, col: msg.col, text });
        break;
      }
      case 'figure':
      case 'figureError': {
        const request = this.figureRequests.get(msg.requestId);
        if (!request) break;
        this.figureRequests.delete(msg.requestId);
        if (msg.type === 'figureError') request.reject(new Error(msg.message));
        else if (msg.format !== request.format) request.reject(new Error('the panel sent a figure in another format'));
        else request.resolve(msg.data);
        break;
      }
      case 'change':
        void this.hooks.change(msg.change);
        break;
    }
  }

  /** Shows what changed in the controller: the graph, the step's deltas, the pinned node. */
  private render(change: ViewChange): void {
    const session = change.session;
    if (!session) return;
    if (change.graph) {
      this.sendGraph(session);
      this.sendSelection();
      return;
    }
    if (change.step) this.sendUpdate(session, change.step);
    if (change.selection) this.sendSelection();
  }

  /**
   * Fade-ins on or off: `backprop.panel.animate` (off by default: while one plays the panel is
   * drawn every frame and the next key waits), never with VS Code's reduced motion on (the
   * webview also honours the system's `prefers-reduced-motion`).
   */
  private sendMotion(): void {
    const animate = vscode.workspace.getConfiguration('backprop').get<boolean>('panel.animate') === true;
    const reduce = vscode.workspace.getConfiguration('workbench').get<string>('reduceMotion') === 'on';
    this.post({ type: 'motion', enabled: animate && !reduce });
  }

  /** The pinned node, when there is one (the webview unpins on its own, and on a new graph). */
  private sendSelection(): void {
    const node = this.controller.selection;
    if (node !== null) this.post({ type: 'select', node });
  }

  private sendGraph(session: GraphSession): void {
    if (!this.panel) return;
    this.panel.title = this.title();
    if (!this.ready) return;
    const graph = session.graphInfo();
    const figures = graph ? this.figures.get(graph.fileName.split(/[\\/]/).pop() ?? '') : undefined;
    if (graph && figures) graph.figures = figures;
    if (graph && (this.shown !== session || !session.stale)) {
      const state = session.fullState();
      this.shown = session;
      this.post({
        type: 'graph',
        graph,
        state: session.stepState(),
        nodes: state.nodes,
        edges: state.edges,
        locale: vscode.env.language,
      });
    }
    const err = session.error;
    if (err) {
      this.post({
        type: 'error',
        message: session.stale
          ? vscode.l10n.t('{0} (showing the last graph that compiled)', err.message)
          : err.message,
        line: err.range.start.line,
        column: err.range.start.column,
      });
    } else if (session.runtimeError) {
      this.post({ type: 'error', message: session.runtimeError });
    }
  }

  private sendUpdate(session: GraphSession, deltas: StepDeltas): void {
    if (!this.panel || !this.ready) return;
    if (this.shown !== session) {
      this.sendGraph(session);
      return;
    }
    this.post({ type: 'update', state: session.stepState(), nodes: deltas.nodes, edges: deltas.edges });
    if (session.runtimeError) this.post({ type: 'error', message: session.runtimeError });
  }

  private post(msg: HostToWebview): void {
    if (!this.panel || !this.ready) return;
    void this.panel.webview.postMessage(msg);
  }
}
