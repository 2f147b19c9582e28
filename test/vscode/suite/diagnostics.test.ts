import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { getApi, revertAndClose, waitFor } from './helpers';

function backpropDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
}

describe('diagnostics while typing', () => {
  it('a syntax error shows at its line and column and fixing it clears it', async () => {
    await getApi();
    const doc = await vscode.workspace.openTextDocument({ language: 'backprop', content: 'a = 1\nb = 2\nc = a * b\n' });
    await vscode.window.showTextDocument(doc);
    try {
      // Give the first compile a moment, then check the valid program is clean.
      await new Promise((r) => setTimeout(r, 400));
      assert.deepEqual(backpropDiagnostics(doc.uri), [], 'the valid program has no errors');

      // Type a second `*` on line 3: "c = a * * b" — the error is the `*` at line 3, column 9.
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(2, 8), '* ');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const [diag] = await waitFor('a diagnostic for the typed error', () => {
        const list = backpropDiagnostics(doc.uri);
        return list.length > 0 ? list : undefined;
      });
      assert.ok(diag);
      assert.equal(diag.range.start.line, 2, `line (0-based) of: ${diag.message}`);
      assert.equal(diag.range.start.character, 8, `column (0-based) of: ${diag.message}`);
      assert.match(diag.message, /\*/);

      const fix = new vscode.WorkspaceEdit();
      fix.delete(doc.uri, new vscode.Range(2, 8, 2, 10));
      assert.ok(await vscode.workspace.applyEdit(fix));
      assert.equal(doc.lineAt(2).text, 'c = a * b');
      await waitFor('the diagnostic to clear', () => backpropDiagnostics(doc.uri).length === 0);
    } finally {
      await revertAndClose(doc);
    }
  });
});
