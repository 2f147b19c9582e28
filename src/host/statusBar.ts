/**
 * Status bar item "Backprop: backward 3/5"; a click opens the panel. Before it, from the first
 * line of activate() until the editor has asked for the first CodeLens, "Backprop Stepper:
 * starting…" with a spinner, so a slow first start does not look dead.
 */
import * as vscode from 'vscode';
import type { SessionController } from './controller';
import { statusText } from '../shared/stepText';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('backprop.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];
  /** What the item shows now (each property is set only when it changes: every set is a message to the workbench). */
  private shown: { text: string; tooltip: string; stale: boolean } | undefined;

  constructor(private readonly controller: SessionController) {
    this.item.name = vscode.l10n.t('Backprop Stepper');
    this.item.command = 'backprop.openStepper';
    this.disposables.push(
      this.item,
      controller.onDidChangeView((e) => {
        if (e.graph || e.step) this.update();
      }),
    );
    this.update();
  }

  update(): void {
    const s = this.controller.current;
    if (!s?.stepper) {
      if (this.shown) this.item.hide();
      this.shown = undefined;
      return;
    }
    const next = {
      text: `$(type-hierarchy) ${statusText(s.cursor, s.forwardSteps, s.totalSteps, vscode.l10n.t)}`,
      tooltip: vscode.l10n.t('{0}: step {1} of {2}. Click to open the stepper.', s.fileName, s.cursor, s.totalSteps),
      stale: s.stale,
    };
    const was = this.shown;
    if (was?.text !== next.text) this.item.text = next.text;
    if (was?.tooltip !== next.tooltip) this.item.tooltip = next.tooltip;
    if (was?.stale !== next.stale) this.item.backgroundColor = next.stale ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    if (!was) this.item.show();
    this.shown = next;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Longest the "starting…" item stays when no editor asks for a CodeLens (no .backprop file shown). */
const STARTING_MAX_MS = 15_000;

export class StartingIndicator implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('backprop.starting', vscode.StatusBarAlignment.Left, 50);
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor() {
    this.item.name = vscode.l10n.t('Backprop Stepper');
    this.item.text = `$(loading~spin) ${vscode.l10n.t('Backprop Stepper: starting…')}`;
    this.item.show();
    this.timer = setTimeout(() => this.dispose(), STARTING_MAX_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.item.dispose();
  }
}
