/**
 * The commands `backprop.gradientCheck` and `backprop.train`: they run in a worker (off the
 * extension host's main thread) with a cancellable progress notification, and show their results
 * in the training panel as they arrive. `registerTrainingCommands` is called once from `activate`
 * and returns the test hooks that `activate` adds to the extension's API.
 */
import * as vscode from 'vscode';
import type { EpochReport, TrainOptions } from '../../engine/train/trainer';
import { resolveTrainOptions } from '../../engine/train/trainer';
import { trainedNetSource } from '../../language/netSource';
import { fileReferences } from '../../language';
import { readLoadedFiles } from '../loadedFiles';
import { commandArg, type TrainArgs, TrainArgsSchema } from '../commandArgs';
import type { TrainHostToWebview, TrainingStatus, TrainRunInfo, TrainWebviewToHost } from '../../shared/protocol';
import { folderLabel, readMnistFolder } from './mnistFiles';
import { TrainPanel } from './trainPanel';
import { startTrainingWorker, type TrainingWorker } from './workerClient';
import type { DataSource, TrainedNet, WorkerToHost } from '../../workers/workerProtocol';

export interface TrainingApi {
  trainingStatus(): TrainingStatus;
  cancelTraining(): void;
}

/** Arguments the commands accept (from tests, keybindings or other extensions); all optional. */
function parseTrainArgs(raw: unknown): TrainArgs {
  return commandArg(TrainArgsSchema, raw) ?? {};
}

const SETTING_SECTION = 'backprop';

function settingsOptions(): Partial<TrainOptions> {
  const c = vscode.workspace.getConfiguration(SETTING_SECTION);
  return {
    iterations: c.get<number>('train.iterations'),
    hidden: c.get<number>('train.hiddenSize'),
    batch: c.get<number>('train.batchSize'),
    learningRate: c.get<number>('train.learningRate'),
    seed: c.get<number>('train.seed'),
  };
}

function dataLabelFor(folder: vscode.Uri): string {
  return /fashion/i.test(folder.path) ? 'Fashion-MNIST' : 'MNIST';
}

/** File names (without extension) of the generated program and archive of "Open Trained Net as Graph". */
const TRAINED_NET = 'trained-net';

class TrainingController implements TrainingApi, vscode.Disposable {
  private trainWorker: TrainingWorker | undefined;
  private checkWorker: TrainingWorker | undefined;
  private nextId = 1;
  private run: TrainRunInfo | null = null;
  private losses: number[] = [];
  private epochs: EpochReport[] = [];
  private chart: { runId: number; lossPoints: number; accuracyPoints: number } | null = null;
  private net: TrainedNet | null = null;
  private gradcheck: TrainingStatus['gradientCheck'] = { state: 'idle', report: null, error: null };
  private checkId = 0;
  private endCheck: (() => void) | undefined;
  /** Stops the running gradient check (the panel's Cancel; the notification has its own). */
  private cancelCheck: (() => void) | undefined;
  private runListeners: ((msg: WorkerToHost) => void)[] = [];
  private readonly panel: TrainPanel;

  /**
   * `fileWritten`: tells the stepper that the extension rewrote a file a program may load (its
   * storage folder is outside the workspace, where no file watcher reports the change in time).
   */
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly fileWritten: (uri: vscode.Uri) => void = () => undefined,
  ) {
    this.panel = new TrainPanel(context.extensionUri, {
      initMessage: () => this.initMessage(),
      onMessage: (msg) => this.fromWebview(msg),
      onClosed: () => undefined,
    });
  }

  // --- API ---------------------------------------------------------------------------------------

  trainingStatus(): TrainingStatus {
    const run = this.run;
    return {
      state: run?.state ?? 'idle',
      runId: run?.runId ?? 0,
      dataName: run?.dataName ?? null,
      iteration: this.losses.length,
      totalIterations: run?.options.iterations ?? 0,
      lastLoss: this.losses.length ? this.losses[this.losses.length - 1] : null,
      epochs: [...this.epochs],
      result: run?.result ?? null,
      error: run?.error ?? null,
      chart: this.chart && run && this.chart.runId === run.runId ? { lossPoints: this.chart.lossPoints, accuracyPoints: this.chart.accuracyPoints } : null,
      panelOpen: this.panel.isOpen,
      worker: this.trainWorker?.kind ?? null,
      gradientCheck: { ...this.gradcheck },
    };
  }

  cancelTraining(): void {
    const run = this.run;
    if (run && (run.state === 'running' || run.state === 'loading')) this.trainWorker?.post({ type: 'cancel', id: run.runId });
  }

  dispose(): void {
    this.trainWorker?.terminate();
    this.checkWorker?.terminate();
    this.panel.dispose();
  }

  // --- workers -----------------------------------------------------------------------------------

  private async ensureTrainWorker(): Promise<TrainingWorker> {
    if (!this.trainWorker) {
      this.trainWorker = await startTrainingWorker(
        this.context.extensionUri,
        (msg) => this.fromTrainWorker(msg),
        (message) => {
          this.trainWorker = undefined;
          this.fromTrainWorker({ type: 'error', id: this.run?.runId ?? 0, message });
        },
      );
    }
    return this.trainWorker;
  }

  private fromTrainWorker(msg: WorkerToHost): void {
    const run = this.run;
    if (!run || msg.id !== run.runId) return;
    switch (msg.type) {
      case 'dataLoaded':
        this.setRun({ ...run, state: 'running', dataName: msg.dataName, options: msg.options, trainCount: msg.trainCount, testCount: msg.testCount });
        break;
      case 'progress':
        for (const l of msg.losses) this.losses.push(l);
        for (const e of msg.epochs) this.epochs.push(e);
        this.panel.post({ type: 'progress', runId: run.runId, firstIteration: msg.firstIteration, losses: msg.losses, epochs: msg.epochs });
        break;
      case 'trainDone': {
        const s = msg.summary;
        this.net = msg.net;
        this.setRun({
          ...run,
          state: s.cancelled ? 'cancelled' : 'done',
          result: { iterations: s.iterations, trainAcc: s.trainAcc, testAcc: s.testAcc, ms: s.ms, backend: s.backend },
        });
        break;
      }
      case 'error':
        this.setRun({ ...run, state: 'error', error: msg.message });
        break;
      default:
        break;
    }
    for (const l of this.runListeners) l(msg);
  }

  private setRun(run: TrainRunInfo): void {
    this.run = run;
    this.panel.post({ type: 'run', run });
  }

  private initMessage(): TrainHostToWebview {
    return {
      type: 'init',
      locale: vscode.env.language,
      run: this.run,
      losses: this.losses,
      epochs: this.epochs,
      gradcheck: this.gradcheck.report,
      gradcheckRunning: this.gradcheck.state === 'running',
    };
  }

  private fromWebview(msg: TrainWebviewToHost): void {
    switch (msg.type) {
      case 'cancel':
        this.cancelTraining();
        break;
      case 'cancelGradcheck':
        this.cancelCheck?.();
        break;
      case 'openGraph':
        void this.openTrainedGraph();
        break;
      case 'trainAgain':
        void vscode.commands.executeCommand('backprop.train');
        break;
      case 'chartState':
        if (this.run && msg.runId === this.run.runId) this.chart = { runId: msg.runId, lossPoints: msg.lossPoints, accuracyPoints: msg.accuracyPoints };
        break;
      default:
        break;
    }
  }

  // --- Train -------------------------------------------------------------------------------------

  /** Where the data comes from: the argument, else a choice among the setting, a folder picker and the spiral. */
  private async pickData(arg: string | undefined, seed: number): Promise<{ source: DataSource; transfer: ArrayBuffer[] } | undefined> {
    if (arg === 'spiral') return { source: { kind: 'spiral', seed }, transfer: [] };
    let folder: vscode.Uri | undefined;
    if (arg) {
      folder = /^[a-z][a-z0-9+.-]+:\/\//i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
    } else {
      const configured = vscode.workspace.getConfiguration(SETTING_SECTION).get<string>('mnistPath')?.trim();
      type Pick = vscode.QuickPickItem & { choice: 'setting' | 'folder' | 'spiral' };
      const items: Pick[] = [];
      if (configured) items.push({ label: vscode.l10n.t('$(folder) MNIST folder from settings'), description: configured, choice: 'setting' });
      items.push({ label: vscode.l10n.t('$(folder-opened) Choose a folder with the MNIST idx files…'), choice: 'folder' });
      items.push({ label: vscode.l10n.t('$(sparkle) Synthetic spiral (built in, no download)'), description: vscode.l10n.t('3 classes in the plane'), choice: 'spiral' });
      const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Train Two-Layer Net: data'), placeHolder: vscode.l10n.t('Which data should the net learn?') });
      if (!picked) return undefined;
      if (picked.choice === 'spiral') return { source: { kind: 'spiral', seed }, transfer: [] };
      if (picked.choice === 'setting' && configured) {
        folder = vscode.Uri.file(configured);
      } else {
        const chosen = await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          canSelectMany: false,
          openLabel: vscode.l10n.t('Use this folder'),
          title: vscode.l10n.t('Folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (plain or .gz)'),
        });
        if (!chosen?.[0]) return undefined;
        folder = chosen[0];
        const save = vscode.l10n.t('Remember in settings');
        void vscode.window.showInformationMessage(vscode.l10n.t('Use {0} for training from now on?', folderLabel(folder)), save).then((a) => {
          if (a === save && folder) void vscode.workspace.getConfiguration(SETTING_SECTION).update('mnistPath', folder.fsPath, vscode.ConfigurationTarget.Global);
        });
      }
    }
    return readMnistFolder(folder, dataLabelFor(folder));
  }

  async train(rawArgs: unknown): Promise<void> {
    const args = parseTrainArgs(rawArgs);
    let options: TrainOptions;
    try {
      options = resolveTrainOptions({ ...settingsOptions(), ...args });
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Train Two-Layer Net: {0}', (e as Error).message));
      return;
    }
    let data: { source: DataSource; transfer: ArrayBuffer[] } | undefined;
    try {
      data = await this.pickData(args.data, options.seed);
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Train Two-Layer Net: {0}', (e as Error).message));
      return;
    }
    if (!data) return;
    // One run at a time: a new one replaces the old.
    this.cancelTraining();
    const runId = this.nextId++;
    this.losses = [];
    this.epochs = [];
    this.chart = null;
    this.net = null;
    this.run = {
      runId,
      state: 'loading',
      dataName: data.source.kind === 'spiral' ? 'spiral' : data.source.label,
      options,
    };
    this.panel.show();
    this.panel.post(this.initMessage());
    const worker = await this.ensureTrainWorker();
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Training the two-layer net'), cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          token.onCancellationRequested(() => worker.post({ type: 'cancel', id: runId }));
          let reported = 0;
          let lastReport = 0;
          const listener = (msg: WorkerToHost): void => {
            if (msg.id !== runId) return;
            // The notification is updated a few times a second at most: every update is a message to the workbench.
            if (msg.type === 'progress' && Date.now() - lastReport >= 250) {
              lastReport = Date.now();
              const done = this.losses.length;
              const pct = (100 * done) / options.iterations;
              const last = this.epochs[this.epochs.length - 1];
              const acc = last ? ` · ${vscode.l10n.t('test accuracy {0}', last.testAcc.toFixed(3))}` : '';
              const loss = this.losses.length ? ` · loss ${this.losses[this.losses.length - 1].toFixed(4)}` : '';
              progress.report({ increment: pct - reported, message: `${done.toLocaleString()}/${options.iterations.toLocaleString()}${loss}${acc}` });
              reported = pct;
            } else if (msg.type === 'dataLoaded') {
              progress.report({ message: vscode.l10n.t('{0}: {1} training samples', msg.dataName, msg.trainCount.toLocaleString()) });
            } else if (msg.type === 'trainDone' || msg.type === 'error') {
              this.runListeners = this.runListeners.filter((l) => l !== listener);
              if (msg.type === 'error') void vscode.window.showErrorMessage(vscode.l10n.t('Train Two-Layer Net: {0}', msg.message));
              resolve();
            }
          };
          this.runListeners.push(listener);
          worker.post({ type: 'train', id: runId, options, data: data.source }, data.transfer);
        }),
    );
  }

  /**
   * Opens the trained net as a graph: the full net on a batch of 3 test samples, written as
   * `trained-net.backprop` plus the `trained-net.npz` it loads, in the extension's storage (a real
   * folder, so the relative load works; no workspace needed, nothing written into it; the next run
   * replaces both, and an open editor of the net follows). Then the stepper.
   */
  async openTrainedGraph(): Promise<void> {
    const net = this.net;
    const run = this.run;
    if (!net || !run) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Train the net first (Backprop: Train Two-Layer Net).'));
      return;
    }
    try {
      const acc = run.result ? `, test accuracy ${run.result.testAcc.toFixed(4)} after ${run.result.iterations} iterations` : '';
      const src = trainedNetSource({
        params: net.params,
        inputSize: net.inputSize,
        hidden: net.hidden,
        outputSize: net.outputSize,
        samples: net.samples,
        batch: 3,
        header: [`Two-layer net ${net.inputSize}-${net.hidden}-${net.outputSize} trained on ${run.dataName}${acc}.`, 'Generated by "Backprop: Train Two-Layer Net".'],
        npzName: `${TRAINED_NET}.npz`,
      });
      const folder = vscode.Uri.joinPath(this.context.globalStorageUri, 'trained-net');
      await vscode.workspace.fs.createDirectory(folder);
      const program = vscode.Uri.joinPath(folder, `${TRAINED_NET}.backprop`);
      const npz = vscode.Uri.joinPath(folder, `${TRAINED_NET}.npz`);
      await vscode.workspace.fs.writeFile(npz, src.npz);
      this.fileWritten(npz);
      await vscode.workspace.fs.writeFile(program, new TextEncoder().encode(src.text));
      const doc = await vscode.workspace.openTextDocument(program);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
      await vscode.commands.executeCommand('backprop.openStepper', program);
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Open trained net: {0}', (e as Error).message));
    }
  }

  // --- Gradient check ----------------------------------------------------------------------------

  async gradientCheck(arg: unknown): Promise<void> {
    let doc: vscode.TextDocument | undefined;
    if (arg instanceof vscode.Uri) doc = await vscode.workspace.openTextDocument(arg);
    else {
      const active = vscode.window.activeTextEditor?.document;
      doc = active?.languageId === 'backprop' ? active : vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'backprop')?.document;
    }
    if (!doc || doc.languageId !== 'backprop') {
      void vscode.window.showWarningMessage(vscode.l10n.t('Gradient Check works on a .backprop file: open one first.'));
      return;
    }
    // A new check replaces a running one: stop its worker and close its notification.
    this.checkWorker?.terminate();
    this.checkWorker = undefined;
    this.endCheck?.();
    const fileName = doc.uri.path.split('/').pop() ?? doc.uri.toString();
    this.gradcheck = { state: 'running', report: null, error: null };
    this.panel.show();
    this.panel.post({ type: 'gradcheck', report: null, running: true, fileName });
    const id = this.nextId++;
    this.checkId = id;
    const source = doc.getText();
    const loaded = await readLoadedFiles(doc.uri, fileReferences(source));
    const files = [...loaded].map(([path, c]) => ('bytes' in c ? { path, bytes: c.bytes } : { path, error: c.error }));
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Gradient check of {0}', fileName), cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          let reported = 0;
          this.endCheck = resolve;
          const finish = (state: TrainingStatus['gradientCheck']): void => {
            if (this.checkId !== id || this.gradcheck.state !== 'running') return resolve();
            this.gradcheck = state;
            this.panel.post({ type: 'gradcheck', report: state.report, running: false, fileName, error: state.error ?? undefined });
            if (state.state === 'error') void vscode.window.showErrorMessage(vscode.l10n.t('Gradient Check: {0}', state.error ?? ''));
            resolve();
          };
          let worker: TrainingWorker | undefined;
          const cancel = (): void => {
            // The check is one synchronous loop in the worker: stopping the worker is the prompt way.
            worker?.terminate();
            finish({ state: 'cancelled', report: null, error: null });
          };
          this.cancelCheck = cancel;
          token.onCancellationRequested(cancel);
          void startTrainingWorker(
            this.context.extensionUri,
            (msg) => {
              if (msg.id !== id) return;
              if (msg.type === 'gradcheckProgress') {
                if (this.checkId === id && this.gradcheck.state === 'running') this.gradcheck = { ...this.gradcheck, progress: { done: msg.done, total: msg.total } };
                const pct = (100 * msg.done) / Math.max(1, msg.total);
                progress.report({ increment: pct - reported, message: vscode.l10n.t('{0} of {1} parameters', msg.done.toLocaleString(), msg.total.toLocaleString()) });
                reported = pct;
              } else if (msg.type === 'gradcheckDone') {
                finish({ state: 'done', report: msg.report, error: null });
                worker?.terminate();
              } else if (msg.type === 'error') {
                finish({ state: 'error', report: null, error: msg.message });
                worker?.terminate();
              }
            },
            (message) => finish({ state: 'error', report: null, error: message }),
          ).then((w) => {
            worker = w;
            this.checkWorker = w;
            if (token.isCancellationRequested) w.terminate();
            else w.post({ type: 'gradcheck', id, source, fileName, files });
          });
        }),
    );
  }
}

export function registerTrainingCommands(context: vscode.ExtensionContext, fileWritten?: (uri: vscode.Uri) => void): TrainingApi {
  const controller = new TrainingController(context, fileWritten);
  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand('backprop.train', (args?: unknown) => controller.train(args)),
    vscode.commands.registerCommand('backprop.gradientCheck', (arg?: unknown) => controller.gradientCheck(arg)),
    vscode.commands.registerCommand('backprop.openTrainedNet', () => controller.openTrainedGraph()),
    vscode.commands.registerCommand('backprop.cancelTraining', () => controller.cancelTraining()),
  );
  return controller;
}
