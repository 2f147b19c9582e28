import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BackpropStepperApi, SessionSnapshot } from '../../../src/host/api';
import { assertClose, closeAllEditors, getApi, openExample, run, scalar, snapshot, waitFor } from './helpers';

/** Figure 5-17 of the book: 2 apples at 100, 3 oranges at 150, 10% tax. */
const BOOK_GRADS: Record<string, number> = { apple: 2.2, apple_num: 110, orange: 3.3, orange_num: 165, tax: 650 };

function gradKeys(s: SessionSnapshot): string[] {
  return Object.keys(s.grads).sort();
}

describe('stepping buy-apple-orange through the commands', () => {
  let api: BackpropStepperApi;

  before(async () => {
    api = await getApi();
    await closeAllEditors();
    const editor = await openExample('buy-apple-orange.backprop');
    await run('backprop.openStepper');
    await waitFor('the stepper panel to open', () => api.panelOpen());
    await waitFor('a session on buy-apple-orange', () => api.session()?.uri === editor.document.uri.toString());
    await run('backprop.reset');
  });
  after(closeAllEditors);

  it('starts at step 0 with the leaves known and no gradients', () => {
    const s = snapshot(api);
    assert.equal(s.cursor, 0);
    assert.equal(s.phase, 'forward');
    assert.ok(s.forwardSteps >= 4, `forward steps: ${s.forwardSteps}`);
    assert.ok(s.totalSteps > s.forwardSteps);
    assert.equal(scalar(s.values.apple, 'apple'), 100);
    assert.equal(s.values.price, undefined, 'price is not computed before the forward pass');
    assert.deepEqual(s.grads, {});
  });

  it('steps the whole forward pass one node at a time to price = 715', async () => {
    const { forwardSteps } = snapshot(api);
    for (let i = 1; i <= forwardSteps; i++) {
      await run('backprop.stepForward');
      const s = snapshot(api);
      assert.equal(s.cursor, i, `after ${i} Step Forward`);
      assert.ok(s.current, 'the step names its node');
    }
    const s = snapshot(api);
    assertClose(scalar(s.values.price, 'price'), 715, 'price');
    assertClose(scalar(s.values.all_price, 'all_price'), 650, 'all_price');
    assert.deepEqual(s.grads, {}, 'no gradient before the backward pass');
    // A further Step Forward does nothing: the forward pass is finished.
    await run('backprop.stepForward');
    assert.equal(snapshot(api).cursor, forwardSteps);
  });

  it('steps the whole backward pass to the book’s gradients', async () => {
    const { forwardSteps, totalSteps } = snapshot(api);
    for (let i = forwardSteps + 1; i <= totalSteps; i++) {
      await run('backprop.stepBackward');
      assert.equal(snapshot(api).cursor, i, `after Step Backward to ${i}`);
    }
    const s = snapshot(api);
    assert.equal(s.phase, 'done');
    for (const [name, g] of Object.entries(BOOK_GRADS)) assertClose(scalar(s.grads[name], `grad ${name}`), g, `∂price/∂${name}`);
    await run('backprop.stepBackward');
    assert.equal(snapshot(api).cursor, totalSteps, 'nothing past the end');
  });

  it('Previous Step takes the last gradient away and Next Step brings it back', async () => {
    const end = snapshot(api);
    await run('backprop.previousStep');
    const before = snapshot(api);
    assert.equal(before.cursor, end.totalSteps - 1);
    const lost = gradKeys(end).filter((k) => !(k in before.grads));
    assert.ok(lost.length > 0, `no gradient disappeared: ${JSON.stringify(gradKeys(before))}`);
    for (const k of gradKeys(before)) assert.ok(k in end.grads);
    await run('backprop.nextStep');
    const again = snapshot(api);
    assert.equal(again.cursor, end.totalSteps);
    assert.deepEqual(again.grads, end.grads);
  });

  it('Reset, Run Forward Pass and Run Backward Pass jump to the phase boundaries', async () => {
    await run('backprop.reset');
    let s = snapshot(api);
    assert.equal(s.cursor, 0);
    assert.deepEqual(s.grads, {});
    await run('backprop.runForward');
    s = snapshot(api);
    assert.equal(s.cursor, s.forwardSteps);
    assertClose(scalar(s.values.price, 'price'), 715, 'price');
    await run('backprop.runBackward');
    s = snapshot(api);
    assert.equal(s.cursor, s.totalSteps);
    assertClose(scalar(s.grads.tax, 'grad tax'), 650, '∂price/∂tax');
  });

  it('Step Backward before the forward pass has finished does not move', async () => {
    await run('backprop.reset');
    await run('backprop.stepForward');
    await run('backprop.stepBackward');
    assert.equal(snapshot(api).cursor, 1);
  });

  it('Go to Step… with a number jumps there', async () => {
    const { forwardSteps } = snapshot(api);
    await run('backprop.goToStep', forwardSteps);
    assert.equal(snapshot(api).cursor, forwardSteps);
  });
});

describe('Toggle Composite Layers on sigmoid', () => {
  let api: BackpropStepperApi;
  before(async () => {
    api = await getApi();
    await closeAllEditors();
    await openExample('sigmoid.backprop');
    await run('backprop.openStepper');
    await waitFor('a session on sigmoid', () => api.session()?.uri.endsWith('sigmoid.backprop'));
  });
  after(async () => {
    if (api.session()?.expanded) await run('backprop.toggleComposite');
    await closeAllEditors();
  });

  it('shows the book’s four nodes and gives the same input gradient', async () => {
    await run('backprop.runBackward');
    const fused = snapshot(api);
    assert.equal(fused.expanded, false);
    assertClose(scalar(fused.values.y, 'y'), 0.5, 'sigmoid(0)');
    assertClose(scalar(fused.grads.x, 'grad x'), 0.25, 'dy/dx');

    await run('backprop.toggleComposite');
    const expanded = await waitFor('the expanded graph', () => (api.session()?.expanded ? api.session() : undefined));
    assert.ok(expanded.nodeCount >= fused.nodeCount + 3, `nodes: fused ${fused.nodeCount}, expanded ${expanded.nodeCount}`);
    await run('backprop.runBackward');
    const s = snapshot(api);
    assertClose(scalar(s.values.y, 'y'), 0.5, 'sigmoid(0), expanded');
    assertClose(scalar(s.grads.x, 'grad x'), 0.25, 'dy/dx, expanded');

    await run('backprop.toggleComposite');
    await waitFor('the fused graph again', () => api.session()?.expanded === false);
    assert.equal(snapshot(api).nodeCount, fused.nodeCount);
  });
});

describe('editing the document', () => {
  let api: BackpropStepperApi;
  let doc: vscode.TextDocument;
  before(async () => {
    api = await getApi();
    await closeAllEditors();
    doc = (await openExample('buy-apple.backprop')).document;
    await run('backprop.openStepper');
    await waitFor('a session on buy-apple', () => api.session()?.uri === doc.uri.toString());
  });
  after(async () => {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await closeAllEditors();
  });

  it('editing a leaf’s number re-runs the graph and keeps the step position', async () => {
    await run('backprop.runForward');
    await run('backprop.stepBackward');
    const before = snapshot(api);
    assertClose(scalar(before.values.price, 'price'), 220, 'price');
    const line = doc.getText().split('\n').findIndex((l) => /^apple\s*=\s*100\s*$/.test(l));
    assert.ok(line >= 0, 'buy-apple.backprop has the line `apple = 100`');
    const edit = new vscode.WorkspaceEdit();
    const text = doc.lineAt(line).text;
    const at = text.indexOf('100');
    edit.replace(doc.uri, new vscode.Range(line, at, line, at + 3), '150');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = await waitFor('price to follow the edit', () => {
      const s = api.session();
      return s && s.values.price !== undefined && Math.abs(scalar(s.values.price) - 330) < 1e-9 ? s : undefined;
    });
    assert.equal(after.cursor, before.cursor, 'the step position is kept');
    assert.equal(after.totalSteps, before.totalSteps);
    assert.equal(scalar(after.values.apple, 'apple'), 150);
  });
});
