/**
 * Owns the stepper sessions (one per `.backprop` document), compiles documents as they change
 * (debounced), publishes diagnostics, tracks which session is current (the active `.backprop`
 * editor, or the last one while the panel has focus) and keeps the context keys in sync.
 *
 * It is the one owner of what the views show: the current session, its cursor (the session's
 * stepper) and the pinned node (`selection`). The views render from it; setting what is already set
 * changes nothing and is not delivered, so a view echoing a change back is a no-op. Two deliveries,
 * each of everything that changed since it was last made:
 * - `onDidChangePanel` (the stepper panel) once per turn, in a microtask: a step reaches the
 *   webview first, ahead of any other message from this extension host;
 * - `onDidChangeView` (the Nodes view, status bar, inline hints, current line, saved panel state)
 *   and the context keys: in the same microtask, except for steps while the panel is open, which
 *   they hear once the steps pause (`SETTLE_MS` after the last, at most `MAX_DEFER_MS` after the
 *   first). Their refreshes cost the workbench's renderer, shared with the webview, more than the
 *   step itself (an inlay-hint refresh is a round trip and a relayout of the editor), so a student
 *   pressing keys quickly gets each step drawn at once and the editor caught up when they pause.
 *   Anything else (a new graph, a pinned node, the panel opening or closing) is delivered at once,
 *   with any step still waiting.
 */
import * as vscode from 'vscode';
import type { StepDeltas } from './session';
import { GraphSession } from './session';
import { LoadedFiles } from './loadedFiles';
import type { EnginePort, FileContent, SourceDiagnostic } from './ports';

export const LANGUAGE_ID = 'backprop';
const DEBOUNCE_MS = 200;
/** With the panel open, the workbench views hear of steps this long after the last one… */
export const SETTLE_MS = 120;
/** …and at most this long after the first one not yet delivered (a held key). */
export const MAX_DEFER_MS = 400;

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

/** What changed since a delivery was last made (see `SessionController.changed`). */
interface Pending {
  graph: boolean;
  /** The cursor and the node run at the first step of the batch (undefined: no step). */
  from: number | undefined;
  before: number | null;
  failed: boolean;
  selection: boolean;
  panel: boolean;
}

const nothingPending = (): Pending => ({ graph: false, from: undefined, before: null, failed: false, selection: false, panel: false });

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
  /** The document and version each session was last compiled from (see flush). */
  private readonly flushed = new WeakMap<GraphSession, { doc: vscode.TextDocument; version: number }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly diagnostics = vscode.languages.createDiagnosticCollection(LANGUAGE_ID);
  private currentSession: GraphSession | undefined;
  private panelOpen = false;
  /** The node pinned in the views (the panel's detail pane, the Nodes view), or null: follow the steps. */
  private selected: number | null = null;
  /** What changed since the panel was last told (delivered in a microtask). */
  private pendingPanel: Pending | undefined;
  /** What changed since the workbench views were last told, and when they will be. */
  private pendingViews: Pending | undefined;
  private viewsTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the first step not yet delivered to the workbench views was taken. */
  private viewsSince = 0;
  /** The delays of the workbench views' delivery while the panel is open (tests shorten them). */
  readonly deferral = { settleMs: SETTLE_MS, maxMs: MAX_DEFER_MS };
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
  private readonly panelEmitter = new vscode.EventEmitter<ViewChange>();
  /** For the stepper panel: once per turn in which the current session, its graph, its cursor, the selection or the panel changed. */
  readonly onDidChangePanel = this.panelEmitter.event;
  private readonly viewEmitter = new vscode.EventEmitter<ViewChange>();
  /**
   * For the workbench's views: the same changes, in the same turn, except steps while the panel
   * is open (see the class comment).
   */
  readonly onDidChangeView = this.viewEmitter.event;

  constructor(private readonly engine: EnginePort) {
    this.disposables.push(
      this.loadedFiles,
      this.diagnostics,
      this.graphEmitter,
      this.stepEmitter,
      this.panelEmitter,
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
   * Tells every view now what changed (normally the panel hears it in a microtask, the workbench
   * views maybe later): for a caller that needs the views to show the step before it asks them
   * something.
   */
  flushViews(): void {
    this.flushPanel();
    this.flushWorkbench();
  }

  private flushPanel(): void {
    const p = this.pendingPanel;
    if (!p) return;
    this.pendingPanel = undefined;
    const change = this.viewChange(p);
    if (change) this.panelEmitter.fire(change);
  }

  private flushWorkbench(): void {
    if (this.viewsTimer !== undefined) clearTimeout(this.viewsTimer);
    this.viewsTimer = undefined;
    const p = this.pendingViews;
    if (!p) return;
    this.pendingViews = undefined;
    const change = this.viewChange(p);
    if (change) this.viewEmitter.fire(change);
    this.updateContext();
  }

  /** What a batch of changes means for a view (undefined: nothing it shows changed). */
  private viewChange(p: Pending): ViewChange | undefined {
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
      // The other delivery must hear of it too.
      for (const other of [this.pendingPanel, this.pendingViews]) if (other) other.selection = true;
    }
    if (!p.graph && !step && !selection && !p.panel) return undefined;
    return { session, graph: p.graph, step, touched: [...touched].sort((a, b) => a - b), selection, panel: p.panel };
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
    // The workbench views (the saved panel state among them) hear of a step still waiting.
    this.flushWorkbench();
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
    const closed = this.sessions.get(key);
    if (closed) this.flushed.delete(closed);
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
    // Every stepping command asks for the document compiled first: when it has not changed since
    // (no edit waiting, the same version of the same document), there is nothing to read, compile
    // or publish (on a 2,000-line file that re-read and re-sent its diagnostics each step).
    const last = this.flushed.get(s);
    if (!force && !pending && last?.doc === doc && last.version === doc.version) return;
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
    this.flushed.set(s, { doc, version: doc.version });
    this.publish(doc, s.diagnostics);
    const after = { key: s.layoutKey, stale: s.stale, error: s.error?.message };
    if (result.graphChanged || before.stale !== after.stale || before.error !== after.error) this.afterCompile(s);
  }

  /** A file a document loads was read or changed on disk: compile that document again. */
  private onLoadedFileChanged(uri: string): void {
    const s = this.sessions.get(uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (s) this.flushed.delete(s);
    if (s && doc) this.flush(doc, s);
  }

  private afterCompile(s: GraphSession): void {
    if (s === this.currentSession) {
      this.changed('graph');
      this.graphEmitter.fire(s);
    }
  }

  /** Notes a change for both deliveries (see the class comment) and schedules them. */
  private changed(what: 'graph' | 'step' | 'failed' | 'selection' | 'panel', from?: number, before: number | null = null): void {
    if (!this.pendingPanel) {
      this.pendingPanel = nothingPending();
      queueMicrotask(() => this.flushTurn());
    }
    const firstStep = !this.pendingViews || this.pendingViews.from === undefined;
    this.pendingViews ??= nothingPending();
    for (const p of [this.pendingPanel, this.pendingViews]) note(p, what, from, before);
    const v = this.pendingViews;
    const onlySteps = !v.graph && !v.selection && !v.panel;
    if (this.panelOpen && onlySteps) {
      // Steps with the panel open: once they pause, or at the latest MAX_DEFER_MS after the first.
      const now = Date.now();
      if (firstStep) this.viewsSince = now;
      const wait = Math.max(0, Math.min(this.deferral.settleMs, this.viewsSince + this.deferral.maxMs - now));
      if (this.viewsTimer !== undefined) clearTimeout(this.viewsTimer);
      this.viewsTimer = setTimeout(() => this.flushWorkbench(), wait);
    } else if (this.viewsTimer !== undefined) {
      // Anything else at the end of this turn (after the panel), with any steps still waiting.
      clearTimeout(this.viewsTimer);
      this.viewsTimer = undefined;
    }
  }

  /** The end of a turn: the panel, then the workbench views unless they wait for the steps to pause. */
  private flushTurn(): void {
    this.flushPanel();
    if (this.viewsTimer === undefined) this.flushWorkbench();
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

/** Adds one change to a batch: a step keeps the cursor it started from (the deltas run from there). */
function note(p: Pending, what: 'graph' | 'step' | 'failed' | 'selection' | 'panel', from: number | undefined, before: number | null): void {
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
