/** Status bar item "Backprop: backward 3/5"; a click opens the panel. */
import * as vscode from 'vscode';
import type { SessionController } from './controller';
import { statusText } from './stepText';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('backprop.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly controller: SessionController) {
    this.item.name = vscode.l10n.t('Backprop Stepper');
    this.item.command = 'backprop.openStepper';
    this.disposables.push(
      this.item,
      controller.onDidChangeGraph(() => this.update()),
      controller.onDidStep(() => this.update()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    );
    this.update();
  }

  update(): void {
    const s = this.controller.current;
    if (!s?.stepper) {
      this.item.hide();
      return;
    }
    this.item.text = `$(type-hierarchy) ${statusText(s.cursor, s.forwardSteps, s.totalSteps, vscode.l10n.t)}`;
    this.item.tooltip = vscode.l10n.t('{0}: step {1} of {2}. Click to open the stepper.', s.fileName, s.cursor, s.totalSteps);
    this.item.backgroundColor = s.stale ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
