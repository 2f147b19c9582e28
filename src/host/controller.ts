/**
 * Owns the stepper sessions (one per `.backprop` document), compiles documents as they change
 * (debounced), publishes diagnostics, tracks which session is current (the active `.backprop`
 * editor, or the last one while the panel has focus) and keeps the context keys in sync.
 *
 * It is the one owner of what the views show: the current session, its cursor (the session's
 * stepper) and the pinned node (`selection`). The views (panel, Nodes view, status bar, editor
 * features, the saved panel state) render from it on `onDidChangeView`, which delivers everything
 * that changed during a turn once, in a microtask; setting what is already set changes nothing
 * and is not delivered, so a view echoing a change back is a no-op.
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

/** What changed for the views during one turn (see `SessionController.onDidChangeView`). */
export interface ViewChange {
  /** The current session (undefined: there is none). */
  readonly session: GraphSession | undefined;
  /** Its graph was replaced, went stale or got an error, or another session became current. */
  readonly graph: boolean;
  /**
   * The cursor moved (and `graph` is false): the deltas from where it was at the start of the turn
   * to where it is now. Undefined when it did not move, or came back to where it was; empty when a
   * step failed (the session's runtimeError says why) and the cursor stayed.
   */
  readonly step: StepDeltas | undefined;
  /** The nodes whose visible state the steps touched, and the nodes run by the step before and after. */
  readonly touched: readonly number[];
  /** The pinned node changed. */
  readonly selection: boolean;
  /** The panel opened or closed. */
  readonly panel: boolean;
}

/** The context keys, by name, with the values last set. */
type ContextValues = Record<string, string | boolean>;

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
  /** The node pinned in the views (the panel's detail pane, the Nodes view), or null: follow the steps. */
  private selected: number | null = null;
  /** What changed since the views were last told (delivered in a microtask). */
  private pending: { graph: boolean; from: number | undefined; before: number | null; failed: boolean; selection: boolean; panel: boolean } | undefined;
  /** The context keys as last set (only changed ones are set again). */
  private readonly contextValues = new Map<string, string | boolean>();
  /** The numpy files the documents load; a read or a change on disk compiles the document again. */
  private readonly loadedFiles = new LoadedFiles((uri) => this.onLoadedFileChanged(uri));

  private readonly graphEmitter = new vscode.EventEmitter<GraphSession | undefined>();
  /**
   * The current session's graph was replaced, went stale, got an error, or another session became
   * current (undefined: there is none any more).
   */
  readonly onDidChangeGraph = this.graphEmitter.event;
  private readonly stepEmitter = new vscode.EventEmitter<StepEvent>();
  /** The current session's cursor moved (synchronously, for the debugger; views use onDidChangeView). */
  readonly onDidStep = this.stepEmitter.event;
  private readonly viewEmitter = new vscode.EventEmitter<ViewChange>();
  /** Once per turn in which the current session, its graph, its cursor, the selection or the panel changed. */
  readonly onDidChangeView = this.viewEmitter.event;

  constructor(private readonly engine: EnginePort) {
    this.disposables.push(
      this.loadedFiles,
      this.diagnostics,
      this.graphEmitter,
      this.stepEmitter,
      this.viewEmitter,
      vscode.workspace.onDidOpenTextDocument((doc) => this.onOpen(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.onClose(doc)),
      vscode.window.onDidChangeActiveTextEditor((ed) => this.onActiveEditor(ed)),
    );
    for (const doc of vscode.workspace.textDocuments) this.onOpen(doc);
    this.onActiveEditor(vscode.window.activeTextEditor);
    this.changed('graph');
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

  /** Makes a session current (the panel, sidebar and status bar show it); the selection starts empty. */
  setCurrent(session: GraphSession | undefined): void {
    if (session === this.currentSession) return;
    this.changed('graph');
    this.currentSession = session;
    this.selected = null;
    this.graphEmitter.fire(session);
  }

  /** The node pinned in the views, or null (they follow the step). */
  get selection(): number | null {
    return this.selected;
  }

  /**
   * Pins a node of the current session (null: follow the steps again). False when nothing changed
   * (the same node, another session, or no such node): the views are not told.
   */
  select(node: number | null, session = this.currentSession): boolean {
    if (!session || session !== this.currentSession || node === this.selected) return false;
    if (node !== null && !session.node(node)) return false;
    this.changed('selection');
    this.selected = node;
    return true;
  }

  /** The document of the current session, if it is open. */
  currentDocument(): vscode.TextDocument | undefined {
    const s = this.currentSession;
    return s ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === s.uri) : undefined;
  }

  setPanelOpen(open: boolean): void {
    if (open === this.panelOpen) return;
    this.changed('panel');
    this.panelOpen = open;
  }

  isPanelOpen(): boolean {
    return this.panelOpen;
  }

  /** Moves the current session's cursor and tells everyone what changed. */
  goTo(step: number, session = this.currentSession): boolean {
    if (!session) return false;
    const from = session.cursor;
    const before = session.currentNode();
    const deltas = session.goTo(step);
    if (!deltas) return false;
    if (session === this.currentSession) {
      this.changed(session.runtimeError === undefined ? 'step' : 'failed', from, before);
      this.stepEmitter.fire({ session, deltas });
    }
    return true;
  }

  /**
   * Tells the views now what changed in this turn (normally they hear it in a microtask): for a
   * caller that needs the panel to show the step before it asks the panel something.
   */
  flushViews(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const session = this.currentSession;
    let step: StepDeltas | undefined;
    const touched = new Set<number>();
    if (!p.graph && session && p.from !== undefined && (p.from !== session.cursor || p.failed)) {
      step = session.deltasBetween(p.from, session.cursor);
      for (const n of step.nodes) touched.add(n.id);
      const now = session.currentNode();
      for (const id of [p.before, now]) if (id !== null) touched.add(id);
    }
    // A node that no longer exists (the graph shrank) cannot stay pinned.
    let selection = p.selection;
    if (this.selected !== null && !session?.node(this.selected)) {
      this.selected = null;
      selection = true;
    }
    if (p.graph || step || selection || p.panel) {
      this.viewEmitter.fire({ session, graph: p.graph, step, touched: [...touched].sort((a, b) => a - b), selection, panel: p.panel });
    }
    this.updateContext();
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
      this.changed('graph');
      this.graphEmitter.fire(s);
    }
  }

  /** Notes a change for the views, delivered once at the end of the turn (see flushViews). */
  private changed(what: 'graph' | 'step' | 'failed' | 'selection' | 'panel', from?: number, before: number | null = null): void {
    if (!this.pending) {
      this.pending = { graph: false, from: undefined, before: null, failed: false, selection: false, panel: false };
      queueMicrotask(() => this.flushViews());
    }
    const p = this.pending;
    if (what === 'graph') p.graph = true;
    else if (what === 'selection') p.selection = true;
    else if (what === 'panel') p.panel = true;
    else {
      // A failed step is shown even when the cursor stayed (the panel says why).
      if (what === 'failed') p.failed = true;
      if (p.from === undefined) {
        p.from = from;
        p.before = before;
      }
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

  /** The context keys of the current state (menus, keybindings and `when` clauses read them). */
  contextKeys(): ContextValues {
    const s = this.currentSession;
    const has = s?.stepper !== undefined;
    const cursor = s?.cursor ?? 0;
    const total = s?.totalSteps ?? 0;
    const phase = has ? s.stepState().phase : 'none';
    return {
      'backprop.hasSession': has,
      'backprop.phase': phase,
      'backprop.canStepForward': has && phase === 'forward',
      'backprop.canStepBackward': has && cursor < total,
      'backprop.canGoBack': has && cursor > 0,
      'backprop.canGoNext': has && cursor < total,
      'backprop.expanded': s?.expanded === true,
      'backprop.panelOpen': this.panelOpen,
    };
  }

  /** Sets the context keys whose value changed since they were last set. */
  private updateContext(): void {
    for (const [key, value] of Object.entries(this.contextKeys())) {
      if (this.contextValues.get(key) === value) continue;
      this.contextValues.set(key, value);
      void vscode.commands.executeCommand('setContext', key, value);
    }
  }
}

export function shortName(uri: vscode.Uri): string {
  const path = uri.path;
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}
