/**
 * The `.backprop` editor working with the stepper: inline value/gradient hints after each
 * assignment, hover with value, gradient and shape, a CodeLens row above line 1, and the line of
 * the current step highlighted. All of them refresh on every step.
 */
import * as vscode from 'vscode';
import type { SessionController } from './controller';
import { LANGUAGE_ID } from './controller';
import { formatCompact, shapeTuple, tensorMarkdown } from './format';
import type { GraphSession } from './session';
import type { GraphNode } from '../engine/graph';

const SELECTOR: vscode.DocumentSelector = { language: LANGUAGE_ID };

/** The named nodes of a session by 0-based line: what each assignment line computes. */
export function namedNodesByLine(session: GraphSession): Map<number, GraphNode> {
  const out = new Map<number, GraphNode>();
  for (const n of session.graph?.nodes ?? []) {
    if (n.name !== undefined) out.set(n.range.start.line - 1, n);
  }
  return out;
}

/** A name as the language's lexer reads it: letters of any script (사과 = 100), digits, `_`. */
const NAME_PATTERN = /[\p{L}_][\p{L}\p{Mn}\p{Mc}\p{Nd}_]*/u;

/** Text of the inline hint for a node: leaves show only their gradient (their value is on the line). */
export function hintText(session: GraphSession, n: GraphNode): string | undefined {
  const value = n.op === 'leaf' ? undefined : session.value(n.id);
  const grad = session.grad(n.id);
  const parts: string[] = [];
  if (value) parts.push(`= ${formatCompact(value)}`);
  if (grad) parts.push(`∂ ${formatCompact(grad)}`);
  return parts.length ? parts.join('  ') : undefined;
}

export function nodeMarkdown(session: GraphSession, n: GraphNode): vscode.MarkdownString {
  const value = session.value(n.id);
  const grad = session.grad(n.id);
  const md = new vscode.MarkdownString(undefined, true);
  const kind = n.op === 'leaf' ? vscode.l10n.t('input') : `${session.symbolOf(n.op)} (${n.op})`;
  md.appendMarkdown(`**${n.label}** · ${kind} · ${vscode.l10n.t('shape')} \`${shapeTuple(n.shape)}\`\n\n`);
  md.appendMarkdown(`**${vscode.l10n.t('value')}**: ${value ? (value.shape.length === 0 ? tensorMarkdown(value) : `\n\n${tensorMarkdown(value)}`) : `_${vscode.l10n.t('not computed yet')}_`}\n\n`);
  md.appendMarkdown(`**${vscode.l10n.t('gradient')}** ∂L/∂${n.label}: ${grad ? (grad.shape.length === 0 ? tensorMarkdown(grad) : `\n\n${tensorMarkdown(grad)}`) : `_${vscode.l10n.t('not computed yet')}_`}`);
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

  constructor(private readonly controller: SessionController) {
    this.disposables.push(
      this.hintsChanged,
      this.currentLine,
      vscode.languages.registerInlayHintsProvider(SELECTOR, this),
      vscode.languages.registerHoverProvider(SELECTOR, this),
      vscode.languages.registerCodeLensProvider(SELECTOR, this),
      vscode.languages.registerDefinitionProvider(SELECTOR, this),
      vscode.languages.registerDocumentSymbolProvider(SELECTOR, this, { label: 'Backprop' }),
      controller.onDidChangeGraph(() => this.refresh()),
      controller.onDidStep(() => this.refresh()),
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

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const s = this.controller.sessionFor(doc.uri);
    if (!s?.graph) return undefined;
    const range = doc.getWordRangeAtPosition(pos, NAME_PATTERN);
    if (!range) return undefined;
    const n = s.nodeByLabel(doc.getText(range));
    if (!n) return undefined;
    return new vscode.Hover(nodeMarkdown(s, n), range);
  }

  /** Go to Definition on a name: the line that assigns it. */
  provideDefinition(doc: vscode.TextDocument, pos: vscode.Position): vscode.Location | undefined {
    const s = this.controller.sessionFor(doc.uri);
    const range = doc.getWordRangeAtPosition(pos, NAME_PATTERN);
    if (!s?.graph || !range) return undefined;
    const n = s.graph.nodes.find((x) => x.name === doc.getText(range));
    if (!n) return undefined;
    const line = n.range.start.line - 1;
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
    for (const [line, n] of namedNodesByLine(s)) {
      if (line >= doc.lineCount) continue;
      const full = doc.lineAt(line).range;
      const nameAt = doc.lineAt(line).text.indexOf(n.label);
      const sel = nameAt >= 0 ? new vscode.Range(line, nameAt, line, nameAt + n.label.length) : full;
      const detail = `${n.op === 'leaf' ? vscode.l10n.t('input') : s.symbolOf(n.op)} ${shapeTuple(n.shape)}`;
      const kind = n.op === 'leaf' ? vscode.SymbolKind.Variable : vscode.SymbolKind.Operator;
      out.push(new vscode.DocumentSymbol(n.label, detail, kind, full, sel));
    }
    return out.sort((a, b) => a.range.start.line - b.range.start.line);
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
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

  private refresh(): void {
    this.hintsChanged.fire();
    this.decorate();
  }

  /** Highlights the line of the node run by the last step, in every editor showing that document. */
  private decorate(): void {
    const s = this.controller.current;
    for (const ed of vscode.window.visibleTextEditors) {
      if (ed.document.languageId !== LANGUAGE_ID) continue;
      const mine = s && ed.document.uri.toString() === s.uri && !s.stale;
      const current = mine ? s.currentNode() : null;
      const node = current === null || !s ? undefined : s.node(current);
      if (!node || node.range.start.line - 1 >= ed.document.lineCount) {
        ed.setDecorations(this.currentLine, []);
        continue;
      }
      const line = node.range.start.line - 1;
      ed.setDecorations(this.currentLine, [new vscode.Range(line, 0, line, 0)]);
    }
  }
}
