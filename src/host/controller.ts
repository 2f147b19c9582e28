/**
 * Owns the stepper sessions (one per `.backprop` document), compiles documents as they change
 * (debounced), publishes diagnostics, tracks which session is current (the active `.backprop`
 * editor, or the last one while the panel has focus) and keeps the context keys in sync.
 * Everything else (panel, sidebar, editor features, status bar) listens to its events.
 */
import * as vscode from 'vscode';
import type { StepDeltas } from './session';
import { GraphSession } from './session';
import { LoadedFiles } from './loadedFiles';
import type { EnginePort, FileContent, SourceDiagnostic } from './ports';

export const LANGUAGE_ID = 'backprop';
const DEBOUNCE_MS = 200;

export interface StepEvent {
  session: GraphSession;
  deltas: StepDeltas;
}

export function isBackpropDocument(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return doc !== undefined && doc.languageId === LANGUAGE_ID;
}

export function toVsRange(r: SourceDiagnostic['range'], doc?: vscode.TextDocument): vscode.Range {
  const line = (l: number) => Math.max(0, l - 1);
  const start = new vscode.Position(line(r.start.line), Math.max(0, r.start.column - 1));
  let end = new vscode.Position(line(r.end.line), Math.max(0, r.end.column - 1));
  if (end.isBefore(start)) end = start;
  if (end.isEqual(start)) end = start.translate(0, 1);
  return doc ? doc.validateRange(new vscode.Range(start, end)) : new vscode.Range(start, end);
}

export class SessionController implements vscode.Disposable {
  private readonly sessions = new Map<string, GraphSession>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly diagnostics = vscode.languages.createDiagnosticCollection(LANGUAGE_ID);
  private currentSession: GraphSession | undefined;
  private panelOpen = false;
  /** The numpy files the documents load; a read or a change on disk compiles the document again. */
  private readonly loadedFiles = new LoadedFiles((uri) => this.onLoadedFileChanged(uri));

  private readonly graphEmitter = new vscode.EventEmitter<GraphSession | undefined>();
  /**
   * The current session's graph was replaced, went stale, got an error, or another session became
   * current (undefined: there is none any more).
   */
  readonly onDidChangeGraph = this.graphEmitter.event;
  private readonly stepEmitter = new vscode.EventEmitter<StepEvent>();
  /** The current session's cursor moved. */
  readonly onDidStep = this.stepEmitter.event;

  constructor(private readonly engine: EnginePort) {
    this.disposables.push(
      this.loadedFiles,
      this.diagnostics,
      this.graphEmitter,
      this.stepEmitter,
      vscode.workspace.onDidOpenTextDocument((doc) => this.onOpen(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.onClose(doc)),
      vscode.window.onDidChangeActiveTextEditor((ed) => this.onActiveEditor(ed)),
    );
    for (const doc of vscode.workspace.textDocuments) this.onOpen(doc);
    this.onActiveEditor(vscode.window.activeTextEditor);
    void this.updateContext();
  }

  get current(): GraphSession | undefined {
    return this.currentSession;
  }

  get all(): readonly GraphSession[] {
    return [...this.sessions.values()];
  }

  sessionFor(uri: vscode.Uri | string): GraphSession | undefined {
    return this.sessions.get(typeof uri === 'string' ? uri : uri.toString());
  }

  /** The session of a document, compiled now (not debounced). */
  ensureSession(doc: vscode.TextDocument): GraphSession {
    const key = doc.uri.toString();
    let s = this.sessions.get(key);
    if (!s) {
      s = new GraphSession(key, shortName(doc.uri), this.engine);
      this.sessions.set(key, s);
    }
    this.flush(doc, s);
    return s;
  }

  /** The session of a traced Python script (made on first use); its graph comes from `GraphSession.adopt`. */
  traceSession(uri: vscode.Uri): GraphSession {
    const key = uri.toString();
    let s = this.sessions.get(key);
    if (!s || s.kind !== 'trace') {
      s = new GraphSession(key, shortName(uri), this.engine);
      s.kind = 'trace';
      this.sessions.set(key, s);
    }
    return s;
  }

  /** After a traced session adopted a new graph: tells the panel, views and editor. */
  traceUpdated(s: GraphSession): void {
    this.afterCompile(s);
  }

  /** Makes a session current (the panel, sidebar and status bar show it). */
  setCurrent(session: GraphSession | undefined): void {
    if (session === this.currentSession) return;
    this.currentSession = session;
    this.graphEmitter.fire(session);
    void this.updateContext();
  }

  /** The document of the current session, if it is open. */
  currentDocument(): vscode.TextDocument | undefined {
    const s = this.currentSession;
    return s ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === s.uri) : undefined;
  }

  setPanelOpen(open: boolean): void {
    this.panelOpen = open;
    void this.updateContext();
  }

  isPanelOpen(): boolean {
    return this.panelOpen;
  }

  /** Moves the current session's cursor and tells everyone what changed. */
  goTo(step: number, session = this.currentSession): boolean {
    if (!session) return false;
    const deltas = session.goTo(step);
    if (!deltas) return false;
    if (session === this.currentSession) {
      this.stepEmitter.fire({ session, deltas });
      void this.updateContext();
    }
    return true;
  }

  setExpanded(session: GraphSession, expanded: boolean): void {
    // A trace replays the script's own layers: there are no recorded primitives to expand into.
    if (session.kind === 'trace') return;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === session.uri);
    if (doc) {
      session.expanded = expanded;
      this.flush(doc, session, true);
    } else {
      session.setExpanded(expanded);
      this.afterCompile(session);
    }
  }

  /** Compiles a document right away (used by commands so they never act on stale text). */
  flushDocument(doc: vscode.TextDocument): void {
    const s = this.sessions.get(doc.uri.toString());
    if (s) this.flush(doc, s);
    else this.ensureSession(doc);
  }

  /** The extension itself rewrote `uri`: programs that load it read it again. */
  fileWritten(uri: vscode.Uri): void {
    this.loadedFiles.changed(uri);
  }

  /** Settles once the files `doc` loads are read and it is compiled with them (see LoadedFiles.settled). */
  settled(doc: vscode.TextDocument): Promise<void> {
    return this.loadedFiles.settled(doc.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }

  private onOpen(doc: vscode.TextDocument): void {
    if (!isBackpropDocument(doc)) return;
    this.ensureSession(doc);
  }

  private onChange(doc: vscode.TextDocument): void {
    if (!isBackpropDocument(doc)) return;
    const key = doc.uri.toString();
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        const s = this.sessions.get(key);
        if (s) this.flush(doc, s);
        else this.ensureSession(doc);
      }, DEBOUNCE_MS),
    );
  }

  private onClose(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.diagnostics.delete(doc.uri);
    this.loadedFiles.release(doc.uri);
    // The current session stays while the panel shows it; others go.
    if (this.sessions.get(key) !== this.currentSession || !this.panelOpen) {
      const s = this.sessions.get(key);
      this.sessions.delete(key);
      if (s && s === this.currentSession) this.setCurrent(undefined);
    }
  }

  private onActiveEditor(editor: vscode.TextEditor | undefined): void {
    const traced = editor && this.sessions.get(editor.document.uri.toString());
    if (traced?.kind === 'trace') return this.setCurrent(traced);
    if (!editor || !isBackpropDocument(editor.document)) return;
    this.setCurrent(this.ensureSession(editor.document));
  }

  private flush(doc: vscode.TextDocument, s: GraphSession, force = false): void {
    if (s.kind === 'trace') return; // Python: re-traced on save, never compiled
    const pending = this.timers.get(doc.uri.toString());
    if (pending) {
      clearTimeout(pending);
      this.timers.delete(doc.uri.toString());
    }
    const text = doc.getText();
    let files: Map<string, FileContent> | undefined;
    const refs = this.engine.fileReferences?.(text) ?? [];
    if (refs.length > 0) {
      files = this.loadedFiles.contentsFor(doc.uri, refs);
      // Still reading: compiled again when the files are in (onLoadedFileChanged).
      if (files === undefined) return;
    }
    const before = { key: s.layoutKey, stale: s.stale, error: s.error?.message };
    const result = s.update(text, force, files);
    this.publish(doc, s.diagnostics);
    const after = { key: s.layoutKey, stale: s.stale, error: s.error?.message };
    if (result.graphChanged || before.stale !== after.stale || before.error !== after.error) this.afterCompile(s);
  }

  /** A file a document loads was read or changed on disk: compile that document again. */
  private onLoadedFileChanged(uri: string): void {
    const s = this.sessions.get(uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (s && doc) this.flush(doc, s);
  }

  private afterCompile(s: GraphSession): void {
    if (s === this.currentSession) {
      this.graphEmitter.fire(s);
      void this.updateContext();
    }
  }

  private publish(doc: vscode.TextDocument, list: readonly SourceDiagnostic[]): void {
    this.diagnostics.set(
      doc.uri,
      list.map((d) => {
        const diag = new vscode.Diagnostic(
          toVsRange(d.range, doc),
          d.message,
          d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error,
        );
        diag.source = 'backprop';
        return diag;
      }),
    );
  }

  private async updateContext(): Promise<void> {
    const s = this.currentSession;
    const has = s?.stepper !== undefined;
    const cursor = s?.cursor ?? 0;
    const total = s?.totalSteps ?? 0;
    const phase = has ? s.stepState().phase : 'none';
    const set = (key: string, value: unknown) => vscode.commands.executeCommand('setContext', key, value);
    await Promise.all([
      set('backprop.hasSession', has),
      set('backprop.phase', phase),
      set('backprop.canStepForward', has && phase === 'forward'),
      set('backprop.canStepBackward', has && cursor < total),
      set('backprop.canGoBack', has && cursor > 0),
      set('backprop.canGoNext', has && cursor < total),
      set('backprop.expanded', s?.expanded === true),
      set('backprop.panelOpen', this.panelOpen),
    ]);
  }
}

export function shortName(uri: vscode.Uri): string {
  const path = uri.path;
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}
