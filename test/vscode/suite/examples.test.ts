import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, closeAllEditors, exampleUri, getApi, openExample, run, waitFor } from './helpers';

/** The editor group that holds the stepper panel, if it is open. */
function panelColumn(): vscode.ViewColumn | undefined {
  return vscode.window.tabGroups.all.find((g) =>
    g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('backprop.stepper')),
  )?.viewColumn;
}

describe('Open Example gives the student a copy', () => {
  after(closeAllEditors);

  it('copies the installed example into the workspace folder and opens the copy, beside the panel', async () => {
    const api = await getApi();
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    // A workspace without relu.backprop yet: the copy must be made.
    const target = exampleUri('relu.backprop');
    await vscode.workspace.fs.delete(target).then(undefined, () => undefined);

    await openExample('buy-apple.backprop');
    await run('backprop.openStepper');
    await waitFor('the panel to open', () => api.panelOpen());
    const column = await waitFor('the panel’s group', () => panelColumn());

    await run('backprop.openExample', 'relu.backprop');
    const editor = await waitFor('the example in an editor', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.path.endsWith('/relu.backprop')),
    );
    assert.equal(editor.document.uri.toString(), target.toString(), 'the copy in the workspace, not the installed file');
    assert.ok(!editor.document.uri.path.startsWith(ext.extensionUri.path), `opened the installed file ${editor.document.uri.path}`);
    const installed = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, 'examples', 'relu.backprop'));
    const copy = await vscode.workspace.fs.readFile(target);
    assert.equal(new TextDecoder().decode(copy), new TextDecoder().decode(installed), 'the copy has the example’s text');
    assert.notEqual(editor.viewColumn, column, 'the example opened in the panel’s group');
    assert.equal(panelColumn(), column, 'the panel kept its group');

    // Opening it again reuses the (unchanged) copy: no second file, no question.
    await run('backprop.openExample', 'relu.backprop');
    const names = (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(target, '..'))).map(([n]) => n);
    assert.deepEqual(
      names.filter((n) => n.startsWith('relu')),
      ['relu.backprop'],
    );
  });
});
