/**
 * The training / gradient-check panel (viewType `backprop.training`): same security rules as the
 * stepper panel (nonce CSP, local resources only from dist/ and media/, every message from the
 * webview validated with `parseTrainWebviewMessage`). It shows what `TrainingState` holds and
 * forwards the webview's buttons to the controller.
 */
import * as vscode from 'vscode';
import {
  parseTrainWebviewMessage,
  TRAIN_PANEL_VIEW_TYPE,
  type TrainHostToWebview,
  type TrainWebviewToHost,
} from '../../shared/trainProtocol';

export interface TrainPanelHooks {
  /** The full state to send when the webview (re)loads. */
  initMessage(): TrainHostToWebview;
  onMessage(msg: TrainWebviewToHost): void;
  onClosed(): void;
}

/** Random nonce for the CSP (crypto.getRandomValues exists in Node 20 and in browsers). */
function makeNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function trainPanelHtml(p: { cspSource: string; nonce: string; lang: string; title: string; script: string; styles: string[] }): string {
  const csp = [
    "default-src 'none'",
    `img-src ${p.cspSource} data:`,
    `style-src ${p.cspSource} 'nonce-${p.nonce}'`,
    `script-src 'nonce-${p.nonce}'`,
    `font-src ${p.cspSource}`,
  ].join('; ');
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="${esc(p.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${p.styles.map((href) => `<link rel="stylesheet" nonce="${p.nonce}" href="${esc(href)}">`).join('\n')}
<title>${esc(p.title)}</title>
</head>
<body>
<div id="backprop-training-root"></div>
<script nonce="${p.nonce}" src="${esc(p.script)}"></script>
</body>
</html>`;
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
    });
  }

  private detach(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
    this.panel = undefined;
    this.ready = false;
  }
}
