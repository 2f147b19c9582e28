/**
 * "Backprop: Trace Python File": runs the active .py file under the Python tracer, opens the
 * stepper on the graph that really ran (the script's own numbers, in the order it ran them), marks
 * the nodes whose numbers differ from the engine's rules and puts one diagnostic per mismatched
 * node (and one for a script error) in Problems. Re-traces on save, keeping the step.
 *
 * Running a script runs code: only in a trusted workspace. The tracer needs a Node extension host
 * (child_process): in the web host the command says so. The Node-only runner (src/node/tracer.ts)
 * is loaded lazily, so the web bundle never evaluates it.
 */
import * as vscode from 'vscode';
import type { TracerRun } from '../node/tracer';
import { buildTracedGraph, checkTrace, createTraceStepper, firstMismatchPerNode, TraceBuildError, type TraceCheck, type TracedGraph } from '../trace';
import type { SessionController } from './controller';
import type { StepperPanel } from './panel';
import { tensorData } from './session';
import { isTraceable } from './traceCommand.pure';

const DEBOUNCE_MS = 400;

interface PythonApi {
  environments: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(env: { path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
}

/** The interpreter: the Python extension's active environment, else backprop.python.path, else PATH (undefined). */
async function interpreterFor(uri: vscode.Uri): Promise<{ python?: string; from: string }> {
  if (vscode.extensions.getExtension('ms-python.python')) {
    try {
      const { PythonExtension } = await import('@vscode/python-extension');
      const api = (await PythonExtension.api()) as unknown as PythonApi;
      const env = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(uri));
      const exe = env?.executable.uri?.fsPath;
      if (exe) return { python: exe, from: 'the Python extension' };
    } catch {
      // fall through to the setting
    }
  }
  const configured = vscode.workspace.getConfiguration('backprop', uri).get<string>('python.path')?.trim();
  if (configured) return { python: configured, from: 'backprop.python.path' };
  return { from: 'PATH' };
}

type Runner = typeof import('../node/tracer');

/**
 * The runner, bundled on its own as dist/tracer.js (Node only) and required from there at run
 * time, so the web bundle holds none of it.
 */
function loadRunner(extensionUri: vscode.Uri): Runner {
  const path = vscode.Uri.joinPath(extensionUri, 'dist', 'tracer.js').fsPath;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file of our own dist/, by path, Node host only
  return require(path) as Runner;
}

export class TraceCommand implements vscode.Disposable, vscode.CodeLensProvider {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('backprop-trace');
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly running = new Set<string>();
  /** Files traced in this window: saving them traces again. */
  private readonly traced = new Set<string>();
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly controller: SessionController,
    private readonly panel: StepperPanel,
  ) {
    this.disposables.push(
      this.diagnostics,
      this.lensesChanged,
      vscode.commands.registerCommand('backprop.tracePython', (arg: unknown) => this.traceCommand(arg)),
      vscode.languages.registerCodeLensProvider({ language: 'python' }, this),
      vscode.workspace.onDidSaveTextDocument((doc) => this.onSave(doc)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.lensesChanged.fire()),
    );
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted || process.env.BACKPROP_WEB === '1' || doc.lineCount === 0) return [];
    if (doc.getText().length > 500_000 || !isTraceable(doc.getText())) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [new vscode.CodeLens(top, { title: vscode.l10n.t('$(debug-alt) Trace in Backprop Stepper'), command: 'backprop.tracePython', arguments: [doc.uri] })];
  }

  private async traceCommand(arg: unknown): Promise<void> {
    if (process.env.BACKPROP_WEB === '1') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Tracing Python needs the desktop (Node) extension host: it runs a Python process, which the web extension host cannot.'));
      return;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Tracing runs the Python script, so it is only available in a trusted workspace. Trust this workspace to use it.'));
      return;
    }
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri || !uri.path.endsWith('.py')) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a Python (.py) file with book-style layers (forward/backward) or a micrograd expression first.'));
      return;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty) await doc.save();
    this.traced.add(uri.toString());
    await this.trace(doc, true);
  }

  private onSave(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (!this.traced.has(key) || !vscode.workspace.isTrusted) return;
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.trace(doc, false);
      }, DEBOUNCE_MS),
    );
  }

  /** Traces a document; `show` opens the panel on it. Problems become messages and diagnostics. */
  async trace(doc: vscode.TextDocument, show: boolean): Promise<TracedGraph | undefined> {
    const key = doc.uri.toString();
    if (this.running.has(key)) return undefined;
    this.running.add(key);
    try {
      const { python, from } = await interpreterFor(doc.uri);
      const runner = loadRunner(this.extensionUri);
      let run: TracerRun;
      try {
        run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Tracing {0}…', doc.fileName.split(/[\\/]/).pop() ?? '') }, () =>
          runner.runTracer(doc.uri.fsPath, { python, tracerPath: vscode.Uri.joinPath(this.extensionUri, 'python', 'backprop_trace.py').fsPath }),
        );
      } catch (e) {
        if (e instanceof runner.TracerError && (e.kind === 'no-python' || e.kind === 'numpy-missing')) {
          const settings = vscode.l10n.t('Open Settings');
          const hint = vscode.l10n.t('Set the interpreter with the Python extension ("Python: Select Interpreter") or the setting backprop.python.path (now from {0}).', from);
          void vscode.window.showErrorMessage(`${e.message}. ${hint}`, settings).then((c) => (c === settings ? vscode.commands.executeCommand('workbench.action.openSettings', 'backprop.python.path') : undefined));
        } else void vscode.window.showErrorMessage(vscode.l10n.t('Backprop: {0}', e instanceof Error ? e.message : String(e)));
        return undefined;
      }
      const { doc: trace } = run;
      if (trace.error) {
        const e = trace.error;
        const file = e.file ? vscode.Uri.file(e.file) : doc.uri;
        const line = Math.max(0, (e.line ?? 1) - 1);
        const d = new vscode.Diagnostic(new vscode.Range(line, Math.max(0, (e.column ?? 1) - 1), line, 1000), `${e.type}: ${e.message}`, vscode.DiagnosticSeverity.Error);
        d.source = 'backprop trace';
        this.diagnostics.clear();
        this.diagnostics.set(file, [d]);
        void vscode.window.showErrorMessage(vscode.l10n.t('The script raised {0} at line {1}: {2}', e.type, e.line ?? 1, e.message));
        return undefined;
      }
      let traced: TracedGraph;
      try {
        traced = buildTracedGraph(trace);
      } catch (e) {
        const msg = e instanceof TraceBuildError ? e.message : String(e);
        this.diagnostics.delete(doc.uri);
        void vscode.window.showWarningMessage(vscode.l10n.t('Backprop: {0}', msg));
        return undefined;
      }
      if (trace.truncated) void vscode.window.showWarningMessage(vscode.l10n.t('The trace was cut short ({0}): {1}', trace.truncated.reason, trace.truncated.message));
      const check = checkTrace(traced);
      this.install(doc, traced, check);
      if (show) await this.panel.show(true);
      return traced;
    } finally {
      this.running.delete(key);
    }
  }

  private install(doc: vscode.TextDocument, traced: TracedGraph, check: TraceCheck): void {
    const session = this.controller.traceSession(doc.uri);
    session.mismatches = new Map(
      firstMismatchPerNode(check).map((m) => [m.node, { message: m.message, yours: tensorData(m.got), reference: tensorData(m.expected), rule: m.rule }]),
    );
    session.adopt(traced.graph, createTraceStepper(traced), [], doc.getText());
    const ko = vscode.env.language.startsWith('ko');
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const m of firstMismatchPerNode(check)) {
      const line = Math.max(0, m.site.line - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, Math.max(0, m.site.column - 1), line, 1000), ko ? m.message.ko : m.message.en, vscode.DiagnosticSeverity.Warning);
      d.source = 'backprop trace';
      d.code = m.label;
      const list = byFile.get(m.site.file) ?? [];
      list.push(d);
      byFile.set(m.site.file, list);
    }
    this.diagnostics.clear();
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
    this.controller.setCurrent(session);
    this.controller.traceUpdated(session);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
