/**
 * The language meets numpy in a real VS Code: a `.backprop` file loads an `.npy` beside it (read
 * with workspace.fs), a change to that file on disk re-runs the graph, and hover, Go to Definition
 * and inline values follow the versions of a reassigned name (x, x′, x″).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { writeNpy } from '../../../src/engine/io/npy';
import { Tensor } from '../../../src/engine/tensor';
import { closeAllEditors, commandUntil, exampleUri, getApi, scalar, waitFor } from './helpers';

const PROGRAM = 'x = load("data/x.npy")\nx = x * 2\nx *= 3\ny = sum(x)\n';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

describe('numpy files and reassignment', function () {
  this.timeout(60_000);
  const folder = exampleUri('numpy-test');
  const npy = vscode.Uri.joinPath(folder, 'data', 'x.npy');
  const program = vscode.Uri.joinPath(folder, 'net.backprop');

  before(async () => {
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder, 'data'));
    await vscode.workspace.fs.writeFile(npy, writeNpy(Tensor.from([1, 2, 3])));
    await vscode.workspace.fs.writeFile(program, new TextEncoder().encode(PROGRAM));
  });
  after(async () => {
    await closeAllEditors();
    await vscode.workspace.fs.delete(folder, { recursive: true });
  });

  it('load() reads the .npy; hover shows the origin and the version; Go to Definition finds the version', async () => {
    const api = await getApi();
    const doc = await vscode.workspace.openTextDocument(program);
    await vscode.window.showTextDocument(doc, { preview: false });
    const s = await commandUntil('backprop.runBackward', 'the graph of net.backprop, run to the end', () => {
      const sn = api.session();
      return sn && sn.uri === doc.uri.toString() && sn.totalSteps > 0 && sn.cursor === sn.totalSteps ? sn : undefined;
    });
    assert.equal(scalar(s.values.y), 36);
    assert.deepEqual(s.values['x″'], [6, 12, 18]);
    assert.deepEqual(s.grads.x, [6, 6, 6]);

    const onLoad = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 0)));
    assert.match(onLoad, /\*\*x\*\*/);
    assert.match(onLoad, /data\/x\.npy/);
    // Line 3 `x *= 3`: the x on the left is the new version x″.
    assert.match(hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(2, 0))), /\*\*x″\*\*/);
    // Line 2 `x = x * 2`: the x on the right is the first version.
    assert.match(hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 4))), /\*\*x\*\* /);
    // Go to Definition on the x of line 4 lands on line 3, where x″ is made.
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, new vscode.Position(3, 8));
    const def = defs[0];
    assert.ok(def);
    assert.equal('range' in def ? def.range.start.line : def.targetRange.start.line, 2);
    // Inline values: one hint per version line.
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, new vscode.Range(0, 0, 4, 0));
    const lines = hints.map((h) => h.position.line).sort();
    assert.deepEqual(lines, [0, 1, 2, 3]);
  });

  it('a change to the loaded file on disk re-runs the graph', async () => {
    const api = await getApi();
    await vscode.workspace.fs.writeFile(npy, writeNpy(Tensor.from([10, 20, 30])));
    await waitFor('y to follow the new x.npy', () => {
      const sn = api.session();
      const y = sn?.values.y;
      return y !== undefined && scalar(y) === 360;
    }, 20_000);
  });
});
