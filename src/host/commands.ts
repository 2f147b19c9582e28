/**
 * The stepping commands (category "Backprop"). Each one acts on the current session, compiling
 * the document first if an edit is still pending, and never throws into VS Code: problems become
 * messages. Step Backward during the forward pass says why and offers to finish the forward pass.
 */
import * as vscode from 'vscode';
import type { PanelChange, StepCommand } from '../shared/protocol';
import { commandArg, ExampleArgSchema, OpenHowArgSchema, RevealNodeArgSchema, StepArgSchema } from './commandArgs';
import type { SessionController } from './controller';
import { isBackpropDocument } from './controller';
import type { ExamplesProvider } from './examples';
import type { StepperPanel } from './panel';
import { saveTensor } from './saveTensor';
import type { GraphSession } from './session';
import { FigureCommands } from './figureCommands';
import { stepTitle } from '../shared/stepText';

/** How far revealing a node's line may go (see extension.ts). */
export type RevealMode = 'ifVisible' | 'show' | 'focus';

export interface CommandDeps {
  controller: SessionController;
  panel: StepperPanel;
  examples: ExamplesProvider;
  revealNode(session: GraphSession, node: number, mode: RevealMode): Promise<void>;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): StepCommandRunner {
  const runner = new StepCommandRunner(deps);
  const reg = (id: string, fn: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await fn(...args);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          void vscode.window.showErrorMessage(vscode.l10n.t('Backprop: {0}', msg));
          return undefined;
        }
      }),
    );
  reg('backprop.openStepper', (arg) => runner.openStepper(arg));
  reg('backprop.stepForward', () => runner.run('stepForward'));
  reg('backprop.stepBackward', () => runner.run('stepBackward'));
  reg('backprop.previousStep', () => runner.run('previousStep'));
  reg('backprop.nextStep', () => runner.run('nextStep'));
  reg('backprop.runForward', () => runner.run('runForward'));
  reg('backprop.runBackward', () => runner.run('runBackward'));
  reg('backprop.reset', () => runner.run('reset'));
  reg('backprop.toggleComposite', () => runner.run('toggleComposite'));
  reg('backprop.goToStep', (arg) => runner.goToStep(arg));
  reg('backprop.practice', () => runner.practice());
  const figures = new FigureCommands(deps.controller, deps.panel);
  reg('backprop.exportFigure', () => runner.withSession((s) => figures.exportFigure(s)));
  reg('backprop.exportStudyNote', () => runner.withSession((s) => figures.exportStudyNote(s)));
  reg('backprop.openExample', (arg, how) =>
    deps.examples.pickAndOpen(commandArg(ExampleArgSchema, arg), { preserveFocus: commandArg(OpenHowArgSchema, how) !== undefined }),
  );
  reg('backprop.revealNode', (arg) => runner.revealNodeArg(arg));
  reg('backprop.saveTensor', (arg) => saveTensor(deps.controller, arg));
  return runner;
}

export class StepCommandRunner {
  constructor(private readonly deps: CommandDeps) {}

  /** Opens the panel on a `.backprop` file: the one given, the active editor's, or the current session's. */
  async openStepper(arg?: unknown): Promise<void> {
    const { controller, panel } = this.deps;
    let doc: vscode.TextDocument | undefined;
    if (arg instanceof vscode.Uri) doc = await vscode.workspace.openTextDocument(arg);
    doc ??= isBackpropDocument(vscode.window.activeTextEditor?.document) ? vscode.window.activeTextEditor?.document : undefined;
    doc ??= controller.currentDocument();
    doc ??= vscode.workspace.textDocuments.find((d) => isBackpropDocument(d));
    if (!doc) {
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('Open a .backprop file first, or start with one of the book’s examples.'),
        vscode.l10n.t('Open Example…'),
      );
      if (choice) await this.deps.examples.pickAndOpen();
      return;
    }
    if (doc.languageId !== 'backprop') {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} is not a .backprop file.', doc.uri.path));
      return;
    }
    const session = controller.ensureSession(doc);
    controller.setCurrent(session);
    await panel.show(true);
  }

  /**
   * The one door for what the panel asks to change: a step command, a cursor (the timeline), a
   * pinned node (with its line shown: only in an editor already showing it, or with the focus for
   * `reveal`), practice mode. The controller changes; the views show it.
   */
  async change(c: PanelChange): Promise<void> {
    const { controller, panel } = this.deps;
    switch (c.kind) {
      case 'command':
        return this.run(c.command);
      case 'goTo':
        controller.goTo(c.step);
        return;
      case 'select': {
        const session = controller.current;
        if (!session || (c.node !== null && !session.node(c.node))) return;
        controller.select(c.node, session);
        if (c.node !== null) await this.deps.revealNode(session, c.node, c.reveal ? 'focus' : 'ifVisible');
        return;
      }
      case 'practice':
        await panel.setPractice(c.enabled);
        return;
    }
  }

  /** One of the stepping commands, from the palette, a key, a button or the panel's toolbar. */
  async run(command: StepCommand): Promise<void> {
    let session = this.requireSession();
    if (!session) return;
    const { controller } = this.deps;
    // A program whose .npy/.npz files are still being read has no graph yet: wait for it.
    const doc = controller.currentDocument();
    if (doc && session.totalSteps === 0) {
      await controller.settled(doc);
      session = controller.current;
      if (!session) return;
    }
    const cursor = session.cursor;
    const fwd = session.forwardSteps;
    const total = session.totalSteps;
    switch (command) {
      case 'stepForward':
        if (cursor < fwd) controller.goTo(cursor + 1, session);
        else if (cursor < total) {
          const back = vscode.l10n.t('Step Backward');
          void vscode.window
            .showInformationMessage(vscode.l10n.t('The forward pass is finished. Use “Step Backward” to send the gradients back.'), back)
            .then((c) => (c === back ? this.run('stepBackward') : undefined));
        } else {
          void vscode.window.showInformationMessage(vscode.l10n.t('Both passes are finished. “Previous Step” or “Reset” goes back.'));
        }
        break;
      case 'stepBackward':
        if (cursor < fwd) {
          this.explainBackwardNeedsForward(session);
        } else if (cursor < total) {
          controller.goTo(cursor + 1, session);
        } else {
          void vscode.window.showInformationMessage(vscode.l10n.t('The backward pass is finished: every gradient is known.'));
        }
        break;
      case 'nextStep':
        controller.goTo(cursor + 1, session);
        break;
      case 'previousStep':
        controller.goTo(cursor - 1, session);
        break;
      case 'runForward':
        if (cursor < fwd) controller.goTo(fwd, session);
        break;
      case 'runBackward':
        controller.goTo(total, session);
        break;
      case 'reset':
        controller.goTo(0, session);
        break;
      case 'toggleComposite':
        // Nothing to expand: say so instead of redrawing the same graph silently.
        if (!session.expanded && !session.graph?.nodes.some((n) => n.op === 'sigmoid' || n.op === 'affine')) {
          void vscode.window.showInformationMessage(vscode.l10n.t('This graph has no composite layers (Sigmoid, Affine) to expand.'));
          break;
        }
        controller.setExpanded(session, !session.expanded);
        break;
    }
    if (session.runtimeError) void vscode.window.showErrorMessage(vscode.l10n.t('Backprop: {0}', session.runtimeError));
  }

  /** Runs `f` on the current session (after a pending edit is compiled), if there is one. */
  async withSession(f: (session: GraphSession) => Promise<void>): Promise<void> {
    const session = this.requireSession();
    if (session) await f(session);
  }

  /**
   * Practice Backward Pass: toggles practice mode in the panel (opening it on the current graph);
   * turning it on after the forward pass is done starts right at the first backward step.
   */
  async practice(): Promise<void> {
    const session = this.requireSession();
    if (!session) return;
    const { panel, controller } = this.deps;
    const on = !panel.practice || !panel.isOpen;
    await panel.setPractice(on);
    if (on) {
      if (session.cursor > session.forwardSteps) controller.goTo(session.forwardSteps, session);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Practice: run the forward pass, then at each backward step type the gradients each node sends to its inputs in the panel.'),
      );
    }
  }

  /** Go to Step…: a number argument jumps directly; otherwise a quick pick of every step. */
  async goToStep(arg?: unknown): Promise<void> {
    const session = this.requireSession();
    if (!session) return;
    const total = session.totalSteps;
    if (arg !== undefined) {
      const n = commandArg(StepArgSchema, arg);
      if (n === undefined || n > total) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Step must be a whole number from 0 to {0}.', total));
        return;
      }
      this.deps.controller.goTo(n, session);
      return;
    }
    interface StepItem extends vscode.QuickPickItem {
      step: number;
    }
    const items: StepItem[] = [];
    for (let i = 0; i <= total; i++) {
      const t = stepTitle(session, i, vscode.l10n.t, (op) => session.symbolOf(op));
      items.push({ step: i, label: t.label, description: t.description, picked: i === session.cursor });
    }
    const qp = vscode.window.createQuickPick<StepItem>();
    qp.items = items;
    qp.placeholder = vscode.l10n.t('Step number (0–{0}) or node name', total);
    qp.matchOnDescription = true;
    const current = items[session.cursor];
    if (current) qp.activeItems = [current];
    const picked = await new Promise<number | undefined>((resolve) => {
      qp.onDidAccept(() => {
        const typed = Number(qp.value.trim());
        const sel = qp.selectedItems[0] ?? qp.activeItems[0];
        if (qp.value.trim() !== '' && Number.isInteger(typed) && typed >= 0 && typed <= total) resolve(typed);
        else resolve(sel?.step);
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (picked !== undefined) this.deps.controller.goTo(picked, session);
  }

  async revealNodeArg(arg: unknown): Promise<void> {
    const session = this.deps.controller.current;
    const id = commandArg(RevealNodeArgSchema, arg);
    if (!session || id === undefined || !session.node(id)) return;
    await this.deps.revealNode(session, id, 'focus');
  }

  private explainBackwardNeedsForward(session: GraphSession): void {
    const finish = vscode.l10n.t('Finish forward pass');
    // Not awaited: the message stays until dismissed and must not block the command.
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t(
          'Backward starts from the output, so the forward pass must finish first ({0} of {1} forward steps done).',
          session.cursor,
          session.forwardSteps,
        ),
        finish,
      )
      .then((choice) => {
        if (choice === finish) this.deps.controller.goTo(session.forwardSteps, session);
      });
  }

  /** The current session with a graph, compiling pending edits first; explains when there is none. */
  private requireSession(): GraphSession | undefined {
    const { controller } = this.deps;
    const active = vscode.window.activeTextEditor?.document;
    if (isBackpropDocument(active)) controller.setCurrent(controller.ensureSession(active));
    const doc = controller.currentDocument();
    if (doc) controller.flushDocument(doc);
    const s = controller.current;
    if (!s) {
      void vscode.window
        .showInformationMessage(vscode.l10n.t('Open a .backprop file first, or start with one of the book’s examples.'), vscode.l10n.t('Open Example…'))
        .then((c) => (c ? this.deps.examples.pickAndOpen() : undefined));
      return undefined;
    }
    if (!s.stepper) {
      const err = s.error;
      void vscode.window.showErrorMessage(
        err
          ? vscode.l10n.t('The graph has errors (line {0}, column {1}: {2}). See the Problems panel.', err.range.start.line, err.range.start.column, err.message)
          : vscode.l10n.t('The graph has no nodes to step through yet.'),
      );
      return undefined;
    }
    return s;
  }
}
