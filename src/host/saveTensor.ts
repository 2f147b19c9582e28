/**
 * "Backprop: Save Tensor…": writes a node's forward value or gradient as a numpy `.npy` file
 * (float64, C order), so the student can `np.load` it and compare with their own Python. The
 * node is the one given (Nodes view, panel), else the name under the cursor (the version meant
 * there), else the assignment on the cursor's line, else a pick from the named nodes. Written
 * with `workspace.fs` (web host too); an existing file is replaced only after asking.
 */
import * as vscode from 'vscode';
import type { GraphNode } from '../engine/graph';
import { writeNpy } from '../engine/io/npy';
import type { Tensor } from '../engine/tensor';
import { outputKeys } from '../language';
import { commandArg, NodeArgSchema } from './commandArgs';
import { isBackpropDocument, type SessionController } from './controller';
import { shapeTuple } from '../shared/format';
import type { GraphSession } from './session';
import { exists, folderOf } from './workspaceFolder';

function nodeAtCursor(session: GraphSession): GraphNode | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.toString() !== session.uri || session.source !== editor.document.getText()) return undefined;
  const pos = editor.selection.active;
  const hit = session.identifierAt(pos.line + 1, pos.character + 1);
  if (hit) return hit.node;
  return session.graph?.nodes.find((n) => n.name !== undefined && n.range.start.line === pos.line + 1);
}

async function pickNode(session: GraphSession): Promise<GraphNode | undefined> {
  const nodes = session.graph?.nodes ?? [];
  const items = nodes.map((n) => ({ label: n.label, description: `${n.op === 'leaf' ? vscode.l10n.t('input') : n.op} ${shapeTuple(n.shape)}`, node: n }));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Save Tensor: which node?'), matchOnDescription: true });
  return picked?.node;
}

export async function saveTensor(controller: SessionController, arg?: unknown): Promise<void> {
  const active = vscode.window.activeTextEditor?.document;
  if (isBackpropDocument(active)) controller.flushDocument(active);
  const session = (isBackpropDocument(active) ? controller.sessionFor(active.uri) : undefined) ?? controller.current;
  if (!session?.graph) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a .backprop file with a graph first.'));
    return;
  }
  // The node a command argument names: a node id, or a Nodes view item `{ kind: 'node', id }`.
  const given = commandArg(NodeArgSchema, arg);
  const node = (given === undefined ? undefined : session.node(given)) ?? nodeAtCursor(session) ?? (await pickNode(session));
  if (!node) return;
  const value = session.value(node.id);
  const grad = session.grad(node.id);
  const key = outputKeys(session.graph).get(node.id) ?? node.label.replace(/[^\p{L}\p{Nd}_@]/gu, '_');
  type Choice = vscode.QuickPickItem & { tensor?: Tensor; suffix: string };
  const notYet = vscode.l10n.t('not computed yet');
  const choices: Choice[] = [
    { label: vscode.l10n.t('Value of {0}', node.label), description: value ? shapeTuple(value.shape) : notYet, tensor: value, suffix: '' },
    { label: vscode.l10n.t('Gradient ∂L/∂{0}', node.label), description: grad ? shapeTuple(grad.shape) : notYet, tensor: grad, suffix: '_grad' },
  ];
  const available = choices.filter((c) => c.tensor !== undefined);
  if (available.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t("'{0}' has no value or gradient yet: step the graph first.", node.label));
    return;
  }
  const choice = available.length === 1 ? available[0] : await vscode.window.showQuickPick(available, { title: vscode.l10n.t('Save Tensor: {0}', node.label) });
  if (!choice?.tensor) return;
  const folder = folderOf(session.uri);
  const fileName = `${key}${choice.suffix}.npy`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
    filters: { [vscode.l10n.t('NumPy array')]: ['npy'] },
    saveLabel: vscode.l10n.t('Save'),
    title: vscode.l10n.t('Save {0} as .npy', choice.label),
  });
  if (!target) return;
  if (await exists(target)) {
    const replace = vscode.l10n.t('Replace');
    const answer = await vscode.window.showWarningMessage(vscode.l10n.t("'{0}' already exists. Replace it?", target.path.slice(target.path.lastIndexOf('/') + 1)), { modal: true }, replace);
    if (answer !== replace) return;
  }
  await vscode.workspace.fs.writeFile(target, writeNpy(choice.tensor));
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0} {1} to {2} (np.load reads it).', choice.label, shapeTuple(choice.tensor.shape), vscode.workspace.asRelativePath(target)));
}
