/**
 * Backprop: Export Figure… (the graph at the current step as SVG or PNG) and Backprop: Export Study
 * Note… (Markdown with a figure per chosen step and a table of values and gradients, next to the
 * graph file). The webview draws the figures (its theme colours resolved); files are written with
 * `workspace.fs`, so both work in the web host too.
 */
import * as vscode from 'vscode';
import type { FigureFormat } from '../shared/protocol';
import type { SessionController } from './controller';
import type { StepperPanel } from './panel';
import type { GraphSession } from './session';
import { positionOf } from '../shared/stepText';
import { type NoteFigure, type NoteSteps, baseName, figureFileName, noteSteps, studyNoteMarkdown } from './studyNote';
import { exists, folderOf } from './workspaceFolder';

/** Figure data as bytes: SVG text, or the PNG the webview sent as base64. */
function figureBytes(format: FigureFormat, data: string): Uint8Array {
  if (format === 'svg') return new TextEncoder().encode(data);
  const bin = atob(data);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** "forward 2/4" / "backward 1/4" / "done 4/4" plus the step's first line of arithmetic. */
function stepCaption(session: GraphSession): string {
  const p = positionOf(session.cursor, session.forwardSteps, session.totalSteps);
  const phase = p.phase === 'forward' ? vscode.l10n.t('forward') : p.phase === 'backward' ? vscode.l10n.t('backward') : vscode.l10n.t('done');
  const lang = vscode.env.language.toLowerCase().startsWith('ko') ? 'ko' : 'en';
  const lines = session.explain().map((l) => l[lang]);
  return [`${phase} ${p.done}/${p.of}`, ...lines].join(' · ');
}

export class FigureCommands {
  constructor(
    private readonly controller: SessionController,
    private readonly panel: StepperPanel,
  ) {}

  async exportFigure(session: GraphSession): Promise<void> {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'SVG', description: vscode.l10n.t('vector, text kept as text'), format: 'svg' as const },
        { label: 'PNG', description: vscode.l10n.t('image, twice the panel’s resolution'), format: 'png' as const },
      ],
      { title: vscode.l10n.t('Export Figure'), placeHolder: vscode.l10n.t('Format of the figure') },
    );
    if (!pick) return;
    const folder = folderOf(session.uri);
    const name = figureFileName(session.fileName, session.cursor, pick.format);
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: { [pick.label]: [pick.format] },
      title: vscode.l10n.t('Export Figure'),
    });
    if (!target) return;
    try {
      const data = await this.panel.requestFigure(pick.format);
      await vscode.workspace.fs.writeFile(target, figureBytes(pick.format, data));
      void vscode.window.showInformationMessage(vscode.l10n.t('Figure saved: {0}', vscode.workspace.asRelativePath(target)));
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Backprop: {0}', e instanceof Error ? e.message : String(e)));
    }
  }

  async exportStudyNote(session: GraphSession): Promise<void> {
    const pick = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('End of the forward pass'), steps: 'forwardEnd' as NoteSteps },
        { label: vscode.l10n.t('End of the backward pass'), steps: 'backwardEnd' as NoteSteps },
        { label: vscode.l10n.t('Every step'), description: vscode.l10n.t('{0} figures', session.totalSteps + 1), steps: 'every' as NoteSteps },
      ],
      { title: vscode.l10n.t('Export Study Note'), placeHolder: vscode.l10n.t('Which steps get a figure') },
    );
    if (!pick) return;
    const folder = folderOf(session.uri);
    if (!folder) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Save the graph file first: the note is written next to it.'));
      return;
    }
    const base = baseName(session.fileName);
    const note = vscode.Uri.joinPath(folder, `${base}-study.md`);
    const figuresDir = `${base}-figures`;
    if (await exists(note)) {
      const overwrite = vscode.l10n.t('Overwrite');
      const answer = await vscode.window.showWarningMessage(vscode.l10n.t('{0} exists. Overwrite it and its figures?', `${base}-study.md`), { modal: true }, overwrite);
      if (answer !== overwrite) return;
    }
    const steps = noteSteps(pick.steps, session.forwardSteps, session.totalSteps);
    const back = session.cursor;
    const width = String(session.totalSteps).length;
    const figures: NoteFigure[] = [];
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Export Study Note'), cancellable: true }, async (progress, token) => {
        for (const step of steps) {
          if (token.isCancellationRequested) break;
          progress.report({ message: `${step}/${session.totalSteps}`, increment: 100 / steps.length });
          this.controller.goTo(step, session);
          const data = await this.panel.requestFigure('svg');
          const file = figureFileName(session.fileName, step, 'svg', width);
          await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, figuresDir, file), figureBytes('svg', data));
          const graph = session.graph;
          figures.push({
            step,
            caption: stepCaption(session),
            path: `${figuresDir}/${file}`,
            rows: (graph?.nodes ?? []).map((n) => ({ label: n.label, value: session.value(n.id), grad: session.grad(n.id), constant: n.constant === true })),
          });
        }
      });
      const markdown = studyNoteMarkdown(
        {
          title: `${session.fileName}`,
          node: vscode.l10n.t('node'),
          value: vscode.l10n.t('value'),
          gradient: vscode.l10n.t('gradient ∂L/∂·'),
          noGradient: vscode.l10n.t('(no gradient)'),
          step: vscode.l10n.t('Step'),
        },
        figures,
      );
      await vscode.workspace.fs.writeFile(note, new TextEncoder().encode(markdown));
      const open = vscode.l10n.t('Open');
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Study note saved: {0}', vscode.workspace.asRelativePath(note)), open);
      if (choice === open) await vscode.commands.executeCommand('markdown.showPreview', note);
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Backprop: {0}', e instanceof Error ? e.message : String(e)));
    } finally {
      this.controller.goTo(back, session);
    }
  }
}
