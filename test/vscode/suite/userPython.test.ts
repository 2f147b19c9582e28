import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BackpropStepperApi } from '../../../src/host/api';
import { assertClose, closeAllEditors, exampleUri, getApi, run, scalar, snapshot, waitFor } from './helpers';

/**
 * "Backprop: Trace Python File" on the book-style examples in examples/python (issue 9). The file is
 * named to run after the other suites (mocha loads them in name order), so the traced sessions and
 * Python processes it leaves behind never change what the other suites see.
 */
describe('tracing Python: buy_apple_orange.py', () => {
  let api: BackpropStepperApi;
  let uri: vscode.Uri;

  before(async function () {
    this.timeout(120_000);
    api = await getApi();
    await closeAllEditors();
    uri = exampleUri('python/buy_apple_orange.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    await run('backprop.tracePython', uri);
    await waitFor('a session on the traced script', () => api.session()?.uri === uri.toString(), 60_000);
    await run('backprop.reset');
  });
  after(closeAllEditors);

  it("steps the script's layers in the order it ran them, with its numbers", async () => {
    const start = snapshot(api);
    assert.equal(start.forwardSteps, 4);
    assert.equal(start.totalSteps, 8);
    await run('backprop.stepForward');
    assert.equal(snapshot(api).current, 'mul_apple_layer');
    await run('backprop.runForward');
    assertClose(scalar(snapshot(api).values.mul_tax_layer, 'price'), 715, 'price');
    await run('backprop.stepBackward');
    assert.equal(snapshot(api).current, 'mul_tax_layer');
    await run('backprop.runBackward');
    const s = snapshot(api);
    assertClose(scalar(s.grads.apple, 'apple'), 2.2, '∂price/∂apple');
    assertClose(scalar(s.grads.tax, 'tax'), 650, '∂price/∂tax');
  });

  it('has no mismatch diagnostics for correct code', () => {
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'backprop trace'), []);
  });
});

describe('tracing Python: the buggy example', () => {
  it('puts a diagnostic at mul_tax_layer.backward and none on the add layer', async function () {
    this.timeout(120_000);
    const api = await getApi();
    const uri = exampleUri('python/buggy_buy_apple_orange.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    await run('backprop.tracePython', uri);
    await waitFor('a session on the buggy script', () => api.session()?.uri === uri.toString(), 60_000);
    const diags = await waitFor('mismatch diagnostics', () => {
      const list = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'backprop trace');
      return list.length > 0 ? list : undefined;
    });
    assert.equal(diags[0].code, 'mul_tax_layer');
    assert.match(diags[0].message, /mul_tax_layer\.backward/);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.lineAt(diags[0].range.start.line).text, /mul_tax_layer\.backward/);
    assert.ok(!diags.some((d) => String(d.code).startsWith('add')), 'the add layer only passed a wrong dout on');
    await closeAllEditors();
  });
});

describe('tracing Python: fixing the bug and saving traces again', () => {
  it('the mismatch diagnostics go away after the fix is saved, and the step is kept', async function () {
    this.timeout(120_000);
    const api = await getApi();
    const uri = exampleUri('python/buggy_buy_apple_orange.py');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    await run('backprop.tracePython', uri);
    await waitFor('mismatch diagnostics', () => vscode.languages.getDiagnostics(uri).some((d) => d.source === 'backprop trace'), 60_000);
    await run('backprop.goToStep', 5);
    const lines = doc.getText().split('\n');
    const fix = new vscode.WorkspaceEdit();
    lines.forEach((text, i) => {
      if (/dx = dout \* self\.x/.test(text)) fix.replace(uri, doc.lineAt(i).range, text.replace('dout * self.x', 'dout * self.y'));
      if (/dy = dout \* self\.y/.test(text)) fix.replace(uri, doc.lineAt(i).range, text.replace('dout * self.y', 'dout * self.x'));
    });
    assert.ok(await vscode.workspace.applyEdit(fix));
    assert.ok(await doc.save());
    await waitFor('the diagnostics to clear after the re-trace', () => !vscode.languages.getDiagnostics(uri).some((d) => d.source === 'backprop trace'), 60_000);
    const s = snapshot(api);
    assert.equal(s.cursor, 5, 'the same step after the re-trace');
    await run('backprop.runBackward');
    assertClose(scalar(snapshot(api).grads.apple, 'apple'), 2.2, '∂price/∂apple after the fix');
    await closeAllEditors();
  });
});

describe('tracing Python: a script that raises', () => {
  it('puts the error at the traceback line', async function () {
    this.timeout(120_000);
    await getApi();
    const uri = exampleUri('python/raises.py');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('x = 1\ny = 0\nprint(x / y)\n'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    await run('backprop.tracePython', uri);
    const [d] = await waitFor('the error diagnostic', () => {
      const list = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'backprop trace');
      return list.length > 0 ? list : undefined;
    }, 60_000);
    assert.equal(d.range.start.line, 2);
    assert.match(d.message, /ZeroDivisionError/);
    await closeAllEditors();
  });
});
