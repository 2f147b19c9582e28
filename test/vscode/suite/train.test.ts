/**
 * Gradient Check and Train Two-Layer Net in a real VS Code: both run in a worker, report progress,
 * fill the training panel (its charts report back what they drew) and can be cancelled, while the
 * extension host keeps answering commands.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { planGradientCheck } from '../../../src/engine/numgrad';
import { compile } from '../../../src/language/index';
import type { TrainingStatus } from '../../../src/shared/protocol';
import { closeAllEditors, commandUntil, getApi, openExample, run, waitFor } from './helpers';

/** Awaits `p`, failing with `what` (instead of a bare mocha timeout) when it takes longer than `ms`. */
async function within<T>(what: string, p: Thenable<T>, ms = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve(p), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes every editor; untitled documents (the generated trained net) are reverted first, so no save prompt appears. */
async function closeEverything(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.isUntitled && doc.languageId === 'backprop') {
      await vscode.window.showTextDocument(doc, { preview: false });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
  await closeAllEditors();
}

async function status(): Promise<() => TrainingStatus> {
  const api = await getApi();
  assert.equal(typeof api.trainingStatus, 'function', 'the API exposes trainingStatus()');
  return () => api.trainingStatus!();
}

describe('training and gradient check', function () {
  this.timeout(180_000);
  after(async () => {
    await run('backprop.cancelTraining');
    await within('closing the editors', closeEverything());
  });

  it('Gradient Check on two-layer-net.backprop: every leaf within 1e-6, shown in the panel', async () => {
    const get = await status();
    await openExample('two-layer-net.backprop');
    await run('backprop.gradientCheck');
    const s = get();
    assert.equal(s.gradientCheck.state, 'done', s.gradientCheck.error ?? '');
    const report = s.gradientCheck.report;
    assert.ok(report);
    assert.equal(report.fileName, 'two-layer-net.backprop');
    const labels = report.leaves.map((l) => l.label);
    for (const name of ['W1', 'b1', 'W2', 'b2']) assert.ok(labels.includes(name), `${name} in ${labels.join(', ')}`);
    for (const l of report.leaves) assert.ok(l.maxAbsDiff < 1e-6, `${l.label}: ${l.maxAbsDiff}`);
    assert.ok(report.numericalMs > 0 && report.backpropMs > 0 && report.ratio > 0);
    assert.equal(s.panelOpen, true, 'the results panel is open');
  });

  it('a short training on the spiral runs to the end; the charts draw every loss and every epoch', async () => {
    const get = await status();
    await run('backprop.train', { data: 'spiral', iterations: 300 });
    const s = get();
    assert.equal(s.state, 'done', s.error ?? '');
    assert.equal(s.dataName, 'spiral');
    assert.equal(s.iteration, 300);
    assert.equal(s.epochs.length, 10);
    assert.ok(s.worker === 'thread' || s.worker === 'web-worker', `runs off the main thread (worker: ${s.worker})`);
    // The webview reports what it drew after each (throttled) redraw.
    const chart = await waitFor('the charts to show the whole run', () => {
      const c = get().chart;
      return c && c.lossPoints === 300 && c.accuracyPoints === 10 ? c : undefined;
    });
    assert.deepEqual(chart, { lossPoints: 300, accuracyPoints: 10 });
  });

  it('a long training updates the chart as it runs, the host answers commands meanwhile, and cancel stops it', async () => {
    const get = await status();
    const training = vscode.commands.executeCommand('backprop.train', { data: 'spiral', iterations: 5_000_000 });
    const first = await waitFor('the loss chart to show points', () => {
      const s = get();
      return s.state === 'running' && s.chart && s.chart.lossPoints > 0 ? s.chart.lossPoints : undefined;
    }, 30_000);
    await waitFor('the loss chart to grow', () => {
      const c = get().chart;
      return c && c.lossPoints > first ? c : undefined;
    }, 30_000);

    // The extension host is not blocked: a stepper command runs to the end while training goes on.
    const api = await getApi();
    await within('opening buy-apple.backprop', openExample('buy-apple.backprop'));
    await within('Open Stepper', run('backprop.openStepper'));
    await within('Run Forward Pass', run('backprop.runForward'));
    const session = await waitFor('the stepper session', () => api.session());
    assert.equal(session.phase, 'backward');
    assert.equal(get().state, 'running', 'training still runs while the command was answered');

    const before = get().iteration;
    await within('Cancel Training', run('backprop.cancelTraining'));
    await within('the Train command to finish after cancel', training);
    const s = get();
    assert.equal(s.state, 'cancelled');
    assert.ok(s.result, 'a cancelled run still reports its accuracy');
    assert.ok(s.result.iterations >= before && s.result.iterations < 5_000_000, `stopped at ${s.result.iterations}`);
    assert.ok(s.result.testAcc > 0.5, `the spiral is mostly learnt by then: ${s.result.testAcc}`);
  });

  it('the trained net opens as a .backprop graph in the stepper', async () => {
    const api = await getApi();
    await within('Open Trained Net as Graph', run('backprop.openTrainedNet'));
    const editor = await waitFor('the generated document', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.path.endsWith('/trained-net.backprop') ? e : undefined;
    });
    assert.match(editor.document.getText(), /W1 = load\("trained-net\.npz", "W1"\)/);
    assert.match(editor.document.getText(), /loss = softmax_with_loss\(a2, t\)/);
    // The program loads its numbers from the .npz beside it (read with workspace.fs).
    const session = await waitFor('a stepper session of the trained net', () => {
      const s = api.session();
      return s && s.uri === editor.document.uri.toString() && s.nodeCount === 10 ? s : undefined;
    }, 30_000);
    assert.equal(session.nodeCount, 10);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});

/** The book's gradient check (5.7.3): 784-50-10, a batch of 3, 39,760 parameters plus the input. */
const BOOK_CHECK = `seed 0
x = randn(3, 784)
t = [[1, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]]
W1 = 0.01 * randn(784, 50)
b1 = zeros(50)
W2 = 0.01 * randn(50, 10)
b2 = zeros(10)
a1 = affine(x, W1, b1)
z1 = relu(a1)
a2 = affine(z1, W2, b2)
loss = softmax_with_loss(a2, t)
`;

describe('a long gradient check', function () {
  this.timeout(180_000);
  after(async () => {
    await within('closing the editors', closeEverything());
  });

  it('runs in a worker with progress while the host answers; a new check replaces it', async () => {
    const get = await status();
    const doc = await vscode.workspace.openTextDocument({ language: 'backprop', content: BOOK_CHECK });
    await vscode.window.showTextDocument(doc, { preview: false });
    // The document is named: whichever .backprop editor has the focus, this one is checked.
    const long = vscode.commands.executeCommand('backprop.gradientCheck', doc.uri);
    const progress = await waitFor('the check to report progress', () => {
      const g = get().gradientCheck;
      return g.state === 'running' && g.progress && g.progress.done > 0 ? g.progress : undefined;
    }, 60_000);
    // The book's check fits the cost bound: every element is compared, none sampled.
    const compiled = compile(BOOK_CHECK);
    assert.ok(compiled.graph);
    assert.ok(planGradientCheck(compiled.graph).every((l) => l.checked === l.total));
    assert.equal(progress.total, 3 * 784 + 784 * 50 + 50 + 50 * 10 + 10);
    // The host answers meanwhile: a stepper command on another file runs to the end.
    const api = await getApi();
    await within('opening buy-apple.backprop', openExample('buy-apple.backprop'));
    await within('Run Forward Pass', run('backprop.runForward'));
    const session = await waitFor('the stepper session of buy-apple', () => {
      const s = api.session();
      return s && s.uri.endsWith('buy-apple.backprop') && s.phase === 'backward' ? s : undefined;
    });
    assert.equal(session.phase, 'backward');
    assert.equal(get().gradientCheck.state, 'running', 'the long check still runs');
    // A check of a small file stops the long one (its worker is terminated) and ends its notification.
    await openExample('two-layer-net.backprop');
    await within('the small check', run('backprop.gradientCheck'));
    await within('the long check to end', long);
    const g = get().gradientCheck;
    assert.equal(g.state, 'done');
    assert.equal(g.report?.fileName, 'two-layer-net.backprop');
  });
});

const FASHION = '/usr/share/datasets/fashion-mnist';

describe('training on MNIST-format idx files', function () {
  this.timeout(180_000);
  after(async () => {
    await within('closing the editors', closeEverything());
  });

  it('reads the four .gz files of a folder, trains in the worker, and opens the 784-50-10 net as a graph', async function () {
    const fs = await import('node:fs');
    if (!fs.existsSync(`${FASHION}/train-images-idx3-ubyte.gz`)) {
      if (process.env.CI) assert.fail(`Fashion-MNIST is missing in ${FASHION}`);
      this.skip();
    }
    const get = await status();
    await within('a short Fashion-MNIST training', run('backprop.train', { data: FASHION, iterations: 60 }), 120_000);
    const s = get();
    assert.equal(s.state, 'done', s.error ?? '');
    assert.match(s.dataName ?? '', /^Fashion-MNIST \(/);
    assert.equal(s.iteration, 60);
    assert.ok(s.result && s.result.testAcc > 0.3, `some learning after 60 iterations: ${s.result?.testAcc}`);
    const api = await getApi();
    await within('Open Trained Net as Graph', run('backprop.openTrainedNet'));
    const editor = await waitFor('the generated document', () => {
      const e = vscode.window.activeTextEditor;
      return e && /trained on Fashion-MNIST/.test(e.document.getText()) ? e : undefined;
    });
    assert.match(editor.document.getText(), /x \(3×784, pixels \/ 255\)/);
    const session = await waitFor('a stepper session of the trained net', () => {
      const sn = api.session();
      return sn && sn.uri === editor.document.uri.toString() && sn.nodeCount === 10 ? sn : undefined;
    }, 30_000);
    assert.equal(session.totalSteps, 8);
    // The full net, not a trimmed copy: every pixel and every weight of W1.
    const w1 = session.values.W1 as number[][];
    assert.equal(w1.length, 784);
    assert.equal(w1[0].length, 50);
    assert.equal((session.values.x as number[][])[0].length, 784);
    const done = await commandUntil('backprop.runBackward', 'the backward pass of the full net', () => {
      const sn = api.session();
      return sn && sn.uri === editor.document.uri.toString() && sn.cursor === sn.totalSteps ? sn : undefined;
    });
    assert.equal((done.grads.W1 as number[][]).length, 784);
  });

  it('a folder without the idx files is a clear error, not a crash', async () => {
    const get = await status();
    const before = get();
    const folder = vscode.workspace.workspaceFolders?.[0].uri.fsPath ?? '/tmp';
    // The files are looked up before a run starts: an error message names the missing file and the
    // folder, the command returns, and no run starts (the last one's results stay).
    await within('the Train command with a wrong folder', run('backprop.train', { data: folder, iterations: 10 }));
    const after = get();
    assert.equal(after.runId, before.runId);
    assert.equal(after.state, before.state);
  });
});
