/**
 * The training / gradient-check panel (viewType `backprop.training`): same security rules as the
 * stepper panel (nonce CSP, local resources only from dist/ and media/, every message from the
 * webview validated with `parseTrainWebviewMessage`). It shows what `TrainingState` holds and
 * forwards the webview's buttons to the controller.
 */
import * as vscode from 'vscode';
import { makeNonce } from '../panelHtml';
import { trainPanelHtml } from './trainPanelHtml';
import { localizeTable, TRAIN_TEXT } from '../../shared/uiText';
import {
  parseTrainWebviewMessage,
  TRAIN_PANEL_VIEW_TYPE,
  type TrainHostToWebview,
  type TrainWebviewToHost,
} from '../../shared/protocol';

export interface TrainPanelHooks {
  /** The full state to send when the webview (re)loads. */
  initMessage(): TrainHostToWebview;
  onMessage(msg: TrainWebviewToHost): void;
  onClosed(): void;
}

export class TrainPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly hooks: TrainPanelHooks,
  ) {}

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  show(preserveFocus = true): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      TRAIN_PANEL_VIEW_TYPE,
      vscode.l10n.t('Backprop: Training'),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      {
        enableScripts: true,
        // Keeps the charts (and the points already drawn) while the tab is in the background.
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
      },
    );
    this.attach(panel);
  }

  /** Sends a message once the webview has said it is ready (earlier ones are covered by `init`). */
  post(msg: TrainHostToWebview): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    this.panel?.dispose();
    this.detach();
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity.svg');
    this.disposables = [
      panel.onDidDispose(() => {
        this.detach();
        this.hooks.onClosed();
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseTrainWebviewMessage(raw);
        if (!msg) return; // untrusted: ignore anything malformed
        if (msg.type === 'ready') {
          this.ready = true;
          void panel.webview.postMessage(this.hooks.initMessage());
          return;
        }
        this.hooks.onMessage(msg);
      }),
    ];
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    panel.webview.html = trainPanelHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      lang: vscode.env.language,
      title: vscode.l10n.t('Backprop: Training'),
      script: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'train.js')).toString(),
      styles: [panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'train.css')).toString()],
      uiText: localizeTable(TRAIN_TEXT, vscode.l10n.bundle),
    });
  }

  private detach(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
    this.panel = undefined;
    this.ready = false;
  }
}
