/**
 * The `.backprop` editor working with the stepper: inline value/gradient hints after each
 * assignment, hover with value, gradient and shape, Go to Definition, the Outline, a CodeLens row
 * above line 1, and the line of the current step highlighted. Names and assignments are the
 * language's (the compiled identifiers and statements), not a re-scan of the text. The hints and
 * the highlight render from the controller, once per turn and only when what they show changed.
 */
import * as vscode from 'vscode';
import type { SessionController } from './controller';
import { LANGUAGE_ID, toVsRange } from './controller';
import { escapeMarkdown, formatCompact, shapeTuple, tensorMarkdown } from '../shared/format';
import type { GraphSession } from './session';
import type { GraphNode } from '../engine/graph';
import { nameAt } from '../language';

const SELECTOR: vscode.DocumentSelector = { language: LANGUAGE_ID };
/** Inline values, hovers and the current line also work on a traced Python script. */
const WITH_TRACES: vscode.DocumentSelector = [{ language: LANGUAGE_ID }, { language: 'python' }];

/**
 * The named nodes of a session by 0-based line: what each assignment line computes. For a
 * program, its assignment statements (the version each one makes); for a traced script (no
 * statements), its named nodes where they were made.
 */
export function namedNodesByLine(session: GraphSession): Map<number, GraphNode> {
  const out = new Map<number, GraphNode>();
  if (session.kind === 'backprop') {
    for (const st of session.statements) {
      const node = st.kind === 'assign' && st.label !== undefined ? session.nodeByLabel(st.label) : undefined;
      if (node) out.set(st.range.start.line - 1, node);
    }
    return out;
  }
  for (const n of session.graph?.nodes ?? []) {
    if (n.name !== undefined) out.set(n.range.start.line - 1, n);
  }
  return out;
}

/** The range of the name at a position, as the language's lexer reads names. */
function nameRangeAt(doc: vscode.TextDocument, pos: vscode.Position): vscode.Range | undefined {
  if (pos.line >= doc.lineCount) return undefined;
  const hit = nameAt(doc.lineAt(pos.line).text, pos.character);
  return hit ? new vscode.Range(pos.line, hit.start, pos.line, hit.end) : undefined;
}

/** Text of the inline hint for a node: leaves show only their gradient (their value is on the line). */
export function hintText(session: GraphSession, n: GraphNode): string | undefined {
  const value = n.op === 'leaf' ? undefined : session.value(n.id);
  const grad = session.grad(n.id);
  const parts: string[] = [];
  if (value) parts.push(`= ${formatCompact(value)}`);
  if (grad) parts.push(`∂ ${formatCompact(grad)}`);
  return parts.length ? parts.join('  ') : undefined;
}

/** "loaded from `w.npz` › `W1` (float32)" for a leaf loaded from a numpy file, else undefined. */
export function originText(n: GraphNode): string | undefined {
  const o = n.origin;
  if (!o) return undefined;
  const where = o.key === undefined ? `\`${o.file}\`` : `\`${o.file}\` › \`${o.key}\``;
  const dtype = o.dtype && o.dtype !== 'float64' ? ` (${o.dtype})` : '';
  return vscode.l10n.t('loaded from {0}', `${where}${dtype}`);
}

export function nodeMarkdown(session: GraphSession, n: GraphNode): vscode.MarkdownString {
  const value = session.value(n.id);
  const grad = session.grad(n.id);
  const md = new vscode.MarkdownString(undefined, true);
  const kind = n.op === 'leaf' ? vscode.l10n.t('input') : `${session.nodeSymbol(n)} (${n.op})`;
  // The label is the user's text: escaped, so Markdown in a name (`__proto__`, `a_b_c`) shows as typed.
  const label = escapeMarkdown(n.label);
  md.appendMarkdown(`**${label}** · ${escapeMarkdown(kind)} · ${vscode.l10n.t('shape')} \`${shapeTuple(n.shape)}\`\n\n`);
  const nonFinite = session.nonFiniteOf(n.id);
  if (nonFinite) md.appendMarkdown(`$(warning) ${escapeMarkdown(nonFinite.message)}\n\n`);
  const origin = originText(n);
  if (origin) md.appendMarkdown(`${origin}\n\n`);
  md.appendMarkdown(`**${vscode.l10n.t('value')}**: ${value ? (value.shape.length === 0 ? tensorMarkdown(value) : `\n\n${tensorMarkdown(value)}`) : `_${vscode.l10n.t('not computed yet')}_`}\n\n`);
  md.appendMarkdown(`**${vscode.l10n.t('gradient')}** ∂L/∂${label}: ${grad ? (grad.shape.length === 0 ? tensorMarkdown(grad) : `\n\n${tensorMarkdown(grad)}`) : `_${vscode.l10n.t('not computed yet')}_`}`);
  return md;
}

export class EditorFeatures
  implements vscode.InlayHintsProvider, vscode.HoverProvider, vscode.CodeLensProvider, vscode.DefinitionProvider, vscode.DocumentSymbolProvider, vscode.Disposable
{
  private readonly hintsChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.hintsChanged.event;
  private readonly currentLine = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.stackFrameHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Full,
  });
  private readonly disposables: vscode.Disposable[] = [];
  /** The 0-based line each editor has highlighted (-1: none): decorations are set only when it changes. */
  private decorated = new WeakMap<vscode.TextEditor, number>();

  /** @param onFirstCodeLens called once, when the editor first asks for CodeLenses (the stepper is ready). */
  constructor(
    private readonly controller: SessionController,
    private onFirstCodeLens?: () => void,
  ) {
    this.disposables.push(
      this.hintsChanged,
      this.currentLine,
      vscode.languages.registerInlayHintsProvider(WITH_TRACES, this),
      vscode.languages.registerHoverProvider(WITH_TRACES, this),
      vscode.languages.registerCodeLensProvider(SELECTOR, this),
      vscode.languages.registerDefinitionProvider(SELECTOR, this),
      vscode.languages.registerDocumentSymbolProvider(SELECTOR, this, { label: 'Backprop' }),
      controller.onDidChangeView((e) => {
        if (!e.graph && !e.step) return;
        // A step changes the hints only when it touched a node that has one.
        const hinted = e.graph || !e.session || e.session.kind !== 'backprop' || this.touchesHint(e.session, e.touched);
        if (hinted) this.hintsChanged.fire();
        this.decorate();
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()),
    );
    this.decorate();
  }

  provideInlayHints(doc: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] {
    const s = this.controller.sessionFor(doc.uri);
    if (!s?.graph || s.stale || s.source !== doc.getText()) return [];
    const hints: vscode.InlayHint[] = [];
    for (const [line, n] of namedNodesByLine(s)) {
      if (line < range.start.line || line > range.end.line || line >= doc.lineCount) continue;
      const text = hintText(s, n);
      if (!text) continue;
      const end = doc.lineAt(line).range.end;
      const hint = new vscode.InlayHint(end, text);
      hint.paddingLeft = true;
      hint.tooltip = nodeMarkdown(s, n);
      hints.push(hint);
    }
    return hints;
  }

  /**
   * The node a name at a position means: the version assigned or read there (after `x = x * 2`,
   * the `x` on the right is the old x, the one on the left and below is x′). While the source has
   * changed since the last good compile, the name's last version.
   */
  private nodeAt(s: GraphSession, doc: vscode.TextDocument, pos: vscode.Position): { node: GraphNode; range: vscode.Range } | undefined {
    if (s.source === doc.getText()) {
      const hit = s.identifierAt(pos.line + 1, pos.character + 1);
      if (hit) return { node: hit.node, range: toVsRange(hit.identifier.range, doc) };
    }
    const range = nameRangeAt(doc, pos);
    if (!range) return undefined;
    const word = doc.getText(range);
    const nodes = s.graph?.nodes ?? [];
    for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i].name === word) return { node: nodes[i], range };
    const byLabel = s.nodeByLabel(word);
    return byLabel ? { node: byLabel, range } : undefined;
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const s = this.controller.sessionFor(doc.uri);
    if (!s?.graph) return undefined;
    const hit = this.nodeAt(s, doc, pos);
    return hit ? new vscode.Hover(nodeMarkdown(s, hit.node), hit.range) : undefined;
  }

  /** Go to Definition on a name: the assignment that made the version meant there. */
  provideDefinition(doc: vscode.TextDocument, pos: vscode.Position): vscode.Location | undefined {
    const s = this.controller.sessionFor(doc.uri);
    if (!s?.graph) return undefined;
    const hit = this.nodeAt(s, doc, pos);
    if (!hit) return undefined;
    const def = s.source === doc.getText() ? s.definitionOf(hit.node.label) : undefined;
    if (def) return new vscode.Location(doc.uri, toVsRange(def.range, doc));
    const line = hit.node.range.start.line - 1;
    return line < doc.lineCount ? new vscode.Location(doc.uri, doc.lineAt(line).range) : undefined;
  }

  /**
   * The Outline: every named value with its layer and shape. (Not its current value: VS Code caches
   * symbols per document version, so they must not depend on the step.)
   */
  provideDocumentSymbols(doc: vscode.TextDocument): vscode.DocumentSymbol[] {
    const s = this.controller.sessionFor(doc.uri);
    if (!s?.graph || s.stale) return [];
    const out: vscode.DocumentSymbol[] = [];
    for (const st of s.statements) {
      const n = st.kind === 'assign' && st.label !== undefined ? s.nodeByLabel(st.label) : undefined;
      const line = st.range.start.line - 1;
      if (!n || line >= doc.lineCount) continue;
      const full = doc.lineAt(line).range;
      const sel = st.nameRange ? toVsRange(st.nameRange, doc) : full;
      const detail = `${n.op === 'leaf' ? vscode.l10n.t('input') : s.nodeSymbol(n)} ${shapeTuple(n.shape)}`;
      const kind = n.op === 'leaf' ? vscode.SymbolKind.Variable : vscode.SymbolKind.Operator;
      out.push(new vscode.DocumentSymbol(n.label, detail, kind, full, sel));
    }
    return out.sort((a, b) => a.range.start.line - b.range.start.line);
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    this.onFirstCodeLens?.();
    this.onFirstCodeLens = undefined;
    if (doc.lineCount === 0) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: vscode.l10n.t('$(preview) Open Stepper'), command: 'backprop.openStepper', arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: vscode.l10n.t('$(arrow-right) Step Forward'), command: 'backprop.stepForward' }),
      new vscode.CodeLens(top, { title: vscode.l10n.t('$(arrow-left) Step Backward'), command: 'backprop.stepBackward' }),
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Whether any of these nodes has an inline hint (a node an assignment makes). */
  private touchesHint(s: GraphSession, ids: readonly number[]): boolean {
    const labels = new Set(ids.map((id) => s.node(id)?.label));
    return s.statements.some((st) => st.kind === 'assign' && labels.has(st.label));
  }

  /** Highlights the line of the node run by the last step, in every editor showing that document. */
  private decorate(): void {
    const s = this.controller.current;
    for (const ed of vscode.window.visibleTextEditors) {
      const mine = s && ed.document.uri.toString() === s.uri && !s.stale;
      if (ed.document.languageId !== LANGUAGE_ID && !(mine && s.kind === 'trace')) continue;
      const current = mine ? s.currentNode() : null;
      const node = current === null || !s ? undefined : s.node(current);
      const line = !node || node.range.start.line - 1 >= ed.document.lineCount ? -1 : node.range.start.line - 1;
      if (this.decorated.get(ed) === line) continue;
      this.decorated.set(ed, line);
      ed.setDecorations(this.currentLine, line < 0 ? [] : [new vscode.Range(line, 0, line, 0)]);
    }
  }
}
