import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BackpropStepperApi } from '../../../src/host/api';
import { closeAllEditors, exampleUri, getApi, openExample, run, snapshot, waitFor } from './helpers';

interface Message {
  type: string;
  event?: string;
  body?: { reason?: string; description?: string };
}

/** Debugging buy-apple-orange with the `backprop` debug type: one cursor with the panel. */
describe('the backprop debugger in the extension host', () => {
  let api: BackpropStepperApi;
  const sent: Message[] = [];
  let tracker: vscode.Disposable;
  let session: vscode.DebugSession;

  const stops = (): Message[] => sent.filter((m) => m.type === 'event' && m.event === 'stopped');
  /** Runs `action` and waits for the stop it causes. */
  async function stopAfter(action: () => Thenable<unknown>): Promise<Message> {
    const before = stops().length;
    await action();
    return waitFor('a stopped event', () => stops()[before]);
  }
  async function topFrame(): Promise<string> {
    const r = (await session.customRequest('stackTrace', { threadId: 1 })) as { stackFrames: { name: string }[] };
    return r.stackFrames[0].name;
  }

  before(async () => {
    api = await getApi();
    await closeAllEditors();
    tracker = vscode.debug.registerDebugAdapterTrackerFactory('backprop', {
      createDebugAdapterTracker: () => ({ onDidSendMessage: (m: Message) => void sent.push(m) }),
    });
  });
  after(async () => {
    await vscode.debug.stopDebugging();
    tracker.dispose();
    await closeAllEditors();
  });

  it('F5 with only the type fills in the active .backprop file, stops on entry and opens the panel', async () => {
    await openExample('buy-apple-orange.backprop');
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const d = vscode.debug.onDidStartDebugSession((s) => {
        d.dispose();
        resolve(s);
      });
    });
    const stopped = stopAfter(() => vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], { type: 'backprop', request: 'launch', name: 'Debug the graph' }));
    session = await started;
    assert.equal(session.configuration.program, exampleUri('buy-apple-orange.backprop').fsPath);
    assert.equal((await stopped).body?.reason, 'entry');
    assert.equal(await topFrame(), 'forward · apple_price = apple * apple_num');
    await waitFor('the panel to open beside', () => api.panelOpen());
    assert.equal(snapshot(api).cursor, 0);
  });

  it('Step Over in the debugger moves the panel cursor; a step in the panel moves the debugger', async () => {
    await stopAfter(() => session.customRequest('next', { threadId: 1 }));
    assert.equal(snapshot(api).cursor, 1);
    const moved = await stopAfter(() => run('backprop.nextStep'));
    assert.equal(moved.body?.reason, 'step');
    assert.equal(snapshot(api).cursor, 2);
    assert.equal(await topFrame(), 'forward · all_price = apple_price + orange_price');
    await stopAfter(() => session.customRequest('stepBack', { threadId: 1 }));
    assert.equal(snapshot(api).cursor, 1);
  });

  it('evaluates in the Debug Console and runs to the end with the book gradients', async () => {
    const r = (await session.customRequest('evaluate', { expression: 'orange * orange_num + 1', context: 'repl' })) as { result: string };
    assert.equal(r.result, '451');
    await stopAfter(() => session.customRequest('continue', { threadId: 1 }));
    assert.equal(await topFrame(), 'done');
    const s = snapshot(api);
    assert.equal(s.cursor, s.totalSteps);
    const g = (await session.customRequest('evaluate', { expression: 'grad(tax)', context: 'watch' })) as { result: string };
    assert.equal(g.result, '650');
  });
});
