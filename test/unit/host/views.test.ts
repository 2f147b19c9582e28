/**
 * What one step costs in the workbench: the controller owns the cursor and the pinned node, and
 * the views (context keys, status bar, Nodes view, inlay hints, the current-line decoration, the
 * panel, the saved panel state) render from it once per turn, touching only what changed. Runs
 * the real controller, views and engine against a fake `vscode` that counts every call.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, beforeEach, describe, it } from 'node:test';
import { type Fake, type FakeEditor, fakeDocument, installFakeVscode, settle } from './fakeVscode';

const fake: Fake = installFakeVscode();

type Controller = import('../../../src/host/controller').SessionController;
type Panel = import('../../../src/host/panel').StepperPanel;
type PanelChange = import('../../../src/shared/protocol').PanelChange;
type VsUri = import('vscode').Uri;

const example = (name: string): string => readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8');

describe('host views: side effects per step', () => {
  let controller: Controller;
  let panel: Panel;
  let editor: FakeEditor;
  const changes: PanelChange[] = [];
  let treeRefresh = 0;
  let failAbove = Infinity;

  before(async () => {
    // Imported after the fake is installed: these modules require('vscode').
    const { SessionController } = await import('../../../src/host/controller');
    const { StatusBar } = await import('../../../src/host/statusBar');
    const { EditorFeatures } = await import('../../../src/host/editorFeatures');
    const { NodesTreeProvider } = await import('../../../src/host/nodesTree');
    const { StepperPanel } = await import('../../../src/host/panel');
    const { Uri } = fake.module as { Uri: typeof import('./fakeVscode').Uri };
    // The real engine, whose steppers can be told to fail above a step (a layer that throws).
    const { failingEngine } = await import('./failingEngine');
    controller = new SessionController(failingEngine(() => failAbove));
    // The workbench views hear of steps with the panel open once the steps pause: at once here,
    // except in the tests of that delay, which set their own.
    controller.deferral.settleMs = 0;
    controller.deferral.maxMs = 0;
    new StatusBar(controller);
    new EditorFeatures(controller);
    const tree = new NodesTreeProvider(controller);
    tree.onDidChangeTreeData(() => treeRefresh++);
    panel = new StepperPanel(Uri.file('/ext') as unknown as VsUri, controller, { change: (c) => void changes.push(c) });
    editor = fake.open(fakeDocument('/w/buy-apple-orange.backprop', example('buy-apple-orange.backprop')));
    await panel.show();
    fake.webview?.receive({ type: 'ready' });
    await settle();
    assert.equal(controller.current?.totalSteps, 8);
  });

  beforeEach(async () => {
    controller.goTo(0);
    controller.select(null);
    await settle();
    fake.reset();
    treeRefresh = 0;
    changes.length = 0;
  });

  it('a step sets only the context keys whose value changed, and refreshes each view once', async () => {
    controller.goTo(1);
    await settle();
    // 0 → 1 in the forward pass: only "can go back" changes (phase, step forward/backward, next stay).
    assert.deepEqual(fake.counts.setContext, [{ key: 'backprop.canGoBack', value: true }]);
    assert.equal(treeRefresh, 1, 'one tree refresh');
    assert.equal(fake.counts.inlayRefresh, 1, 'one inlay hint refresh');
    assert.equal(fake.counts.setDecorations, 1, 'the current line moved once');
    assert.deepEqual(fake.counts.statusBar, ['text', 'tooltip'], 'status bar: text and tooltip, no show, no colour');
    assert.deepEqual(
      fake.counts.posted.map((m) => m.type),
      ['update'],
      'one update message to the panel',
    );
    // Into the backward pass: the phase keys change too.
    fake.reset();
    controller.goTo(5);
    await settle();
    assert.deepEqual(
      fake.counts.setContext.map((c) => c.key).sort(),
      ['backprop.canStepForward', 'backprop.phase'],
    );
  });

  it('several moves in one turn are one refresh, with the deltas from the first cursor to the last', async () => {
    controller.goTo(1);
    controller.goTo(2);
    controller.goTo(3);
    await settle();
    assert.equal(treeRefresh, 1);
    assert.equal(fake.counts.inlayRefresh, 1);
    assert.equal(fake.counts.setDecorations, 1);
    const updates = fake.counts.posted.filter((m) => m.type === 'update') as unknown as { nodes: { id: number }[] }[];
    assert.equal(updates.length, 1);
    assert.equal(updates[0].nodes.length, 3, 'the three values computed by steps 1–3');
  });

  it('moving away and back in one turn, or to where the cursor is, refreshes nothing', async () => {
    controller.goTo(2);
    controller.goTo(0);
    assert.equal(controller.goTo(0), false);
    await settle();
    assert.deepEqual(fake.counts.setContext, []);
    assert.equal(treeRefresh, 0);
    assert.equal(fake.counts.inlayRefresh, 0);
    assert.equal(fake.counts.setDecorations, 0);
    assert.deepEqual(fake.counts.statusBar, []);
    assert.deepEqual(fake.counts.posted, []);
  });

  it('pinning a node tells the panel once; pinning it again (an echo) changes nothing', async () => {
    const id = controller.current?.nodeByLabel('tax')?.id ?? -1;
    assert.equal(controller.select(id), true);
    await settle();
    assert.deepEqual(fake.counts.posted, [{ type: 'select', node: id }]);
    assert.equal(controller.selection, id);
    fake.reset();
    assert.equal(controller.select(id), false, 'the same node again');
    assert.equal(controller.select(999), false, 'no such node');
    await settle();
    assert.deepEqual(fake.counts.posted, []);
    assert.deepEqual(fake.counts.setContext, []);
    assert.equal(treeRefresh, 0);
    assert.equal(fake.counts.setDecorations, 0);
    assert.equal(fake.counts.inlayRefresh, 0);
    assert.deepEqual(fake.counts.statusBar, []);
  });

  it('a new graph with the same step and file changes neither the status bar nor the step keys', async () => {
    const s = controller.current;
    assert.ok(s);
    controller.goTo(3);
    await settle();
    fake.reset();
    controller.setExpanded(s, true);
    await settle();
    assert.deepEqual(fake.counts.statusBar, [], 'same text, tooltip and colour');
    assert.deepEqual(fake.counts.setContext, [{ key: 'backprop.expanded', value: true }]);
    assert.deepEqual(
      fake.counts.posted.map((m) => m.type),
      ['graph'],
    );
    controller.setExpanded(s, false);
    await settle();
  });

  it('a step that fails keeps the cursor and still tells the panel why', async () => {
    controller.goTo(2);
    await settle();
    fake.reset();
    failAbove = 2;
    try {
      controller.goTo(3);
      await settle();
    } finally {
      failAbove = Infinity;
    }
    assert.equal(controller.current?.cursor, 2);
    assert.deepEqual(
      fake.counts.posted.map((m) => m.type),
      ['update', 'error'],
    );
    assert.deepEqual(fake.counts.setContext, []);
    assert.equal(fake.counts.setDecorations, 0);
  });

  it('the saved panel state is written once per change, and not again for the same state', async () => {
    const { PanelStateStore } = await import('../../../src/host/stateStore');
    const { Uri } = fake.module as { Uri: typeof import('./fakeVscode').Uri };
    const store = new PanelStateStore(Uri.file('/storage') as unknown as VsUri);
    const state = { uri: 'file:///w/a.backprop', cursor: 3, expanded: false, selected: null };
    store.save(state);
    await settle();
    store.save({ ...state });
    await settle();
    assert.equal(fake.counts.fileWrites, 1);
    store.save({ ...state, cursor: 4 });
    await settle();
    assert.equal(fake.counts.fileWrites, 2);
  });

  it('every change the webview asks for takes one door, and a malformed one none', async () => {
    const receive = (m: unknown): void => fake.webview?.receive(m);
    receive({ type: 'change', change: { kind: 'goTo', step: 3 } });
    receive({ type: 'change', change: { kind: 'command', command: 'nextStep' } });
    receive({ type: 'change', change: { kind: 'select', node: 2, reveal: true } });
    receive({ type: 'change', change: { kind: 'select', node: null, reveal: false } });
    receive({ type: 'change', change: { kind: 'practice', enabled: false } });
    receive({ type: 'change', change: { kind: 'goTo', step: -1 } });
    receive({ type: 'change', change: { kind: 'command', command: 'rm -rf' } });
    receive({ type: 'change', change: { kind: 'select', node: 2 } });
    receive({ type: 'goTo', step: 3 });
    receive({ type: 'select', node: 2 });
    assert.deepEqual(changes, [
      { kind: 'goTo', step: 3 },
      { kind: 'command', command: 'nextStep' },
      { kind: 'select', node: 2, reveal: true },
      { kind: 'select', node: null, reveal: false },
      { kind: 'practice', enabled: false },
    ]);
    // The panel itself changes nothing: the door's owner (the command runner) does.
    assert.equal(controller.current?.cursor, 0);
    assert.equal(controller.selection, null);
  });

  it('the current-line decoration follows the step and is cleared at the start', async () => {
    controller.goTo(1);
    await settle();
    assert.equal(editor.decorations.length, 1);
    const line = controller.current?.node(controller.current.currentNode() ?? -1)?.range.start.line;
    assert.equal(editor.decorations[0].start.line, (line ?? 0) - 1);
    controller.goTo(0);
    await settle();
    assert.equal(editor.decorations.length, 0);
  });

  it('with the panel open, a step reaches the panel in its turn and the workbench views once the steps pause', async () => {
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    controller.deferral.settleMs = 60;
    controller.deferral.maxMs = 10_000;
    try {
      controller.goTo(1);
      await settle();
      assert.deepEqual(fake.counts.posted.map((m) => m.type), ['update'], 'the panel at once');
      assert.deepEqual(fake.counts.setContext, [], 'no context key yet');
      assert.equal(treeRefresh, 0);
      assert.equal(fake.counts.inlayRefresh, 0);
      assert.equal(fake.counts.setDecorations, 0);
      assert.deepEqual(fake.counts.statusBar, []);
      await wait(20);
      controller.goTo(2);
      await settle();
      assert.equal(fake.counts.posted.length, 2, 'the second step drawn at once too');
      assert.equal(treeRefresh, 0, 'a step 20 ms after the last one: still waiting');
      await wait(100);
      // Both steps in one refresh of each view, with the deltas from step 0.
      assert.deepEqual(fake.counts.setContext, [{ key: 'backprop.canGoBack', value: true }]);
      assert.equal(treeRefresh, 1);
      assert.equal(fake.counts.inlayRefresh, 1);
      assert.equal(fake.counts.setDecorations, 1);
      assert.deepEqual(fake.counts.statusBar, ['text', 'tooltip']);
    } finally {
      controller.deferral.settleMs = 0;
      controller.deferral.maxMs = 0;
    }
  });

  it('a held key still refreshes the workbench views at most every MAX_DEFER_MS; anything but a step is delivered at once', async () => {
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    controller.deferral.settleMs = 50;
    controller.deferral.maxMs = 80;
    try {
      // A step every 20 ms for 200 ms: never a 50 ms pause, yet the views catch up on the way.
      for (let i = 1; i <= 8; i++) {
        controller.goTo(i);
        await wait(20);
      }
      assert.ok(treeRefresh >= 1 && treeRefresh <= 4, `tree refreshed ${treeRefresh} times during the steps`);
      await wait(120);
      const afterSteps = treeRefresh;
      fake.reset();
      // A step waiting, then a pinned node: both reach the workbench views in that turn.
      controller.goTo(7);
      const id = controller.current?.nodeByLabel('tax')?.id ?? -1;
      controller.select(id);
      await settle();
      assert.equal(treeRefresh, afterSteps + 1, 'the waiting step delivered with the selection');
      assert.equal(fake.counts.setDecorations, 1);
    } finally {
      controller.deferral.settleMs = 0;
      controller.deferral.maxMs = 0;
    }
  });

  it('the webview is told on ready whether new values fade in: off by default, on with backprop.panel.animate, never with reduced motion', async () => {
    const motionOnReady = async (): Promise<unknown[]> => {
      fake.reset();
      fake.webview?.receive({ type: 'ready' });
      await settle();
      return fake.counts.posted.filter((m) => m.type === 'motion').map((m) => (m as { enabled?: unknown }).enabled);
    };
    try {
      assert.deepEqual(await motionOnReady(), [false]);
      fake.settings.set('backprop.panel.animate', true);
      assert.deepEqual(await motionOnReady(), [true]);
      fake.settings.set('workbench.reduceMotion', 'on');
      assert.deepEqual(await motionOnReady(), [false]);
    } finally {
      fake.settings.clear();
    }
  });

  it('with the panel closed, the workbench views hear of a step in its turn', async () => {
    controller.deferral.settleMs = 10_000;
    controller.deferral.maxMs = 10_000;
    controller.setPanelOpen(false);
    try {
      await settle();
      fake.reset();
      const before = treeRefresh;
      controller.goTo(1);
      await settle();
      assert.equal(treeRefresh, before + 1);
      assert.equal(fake.counts.setDecorations, 1);
    } finally {
      controller.setPanelOpen(true);
      controller.deferral.settleMs = 0;
      controller.deferral.maxMs = 0;
      await settle();
    }
  });

  // Last: it makes another document current.
  it('a step that touches no node with a hint does not refresh the hints; the current line still moves', async () => {
    const pinned = controller.current?.nodeByLabel('tax')?.id ?? -1;
    assert.equal(controller.select(pinned), true);
    // `a * b` is an unnamed node (no hint of its own); `y` has one.
    const other = fake.open(fakeDocument('/w/unnamed.backprop', 'a = 2\nb = 3\nc = 4\ny = a * b + c'));
    await settle();
    const s = controller.current;
    assert.ok(s);
    assert.equal(s.fileName, 'unnamed.backprop');
    assert.equal(s.totalSteps, 4);
    assert.equal(controller.selection, null, 'another session starts with nothing pinned');
    fake.reset();
    controller.goTo(1);
    await settle();
    assert.equal(fake.counts.inlayRefresh, 0, 'a * b has no hint');
    assert.equal(fake.counts.setDecorations, 1);
    assert.equal(other.decorations[0]?.start.line, 3);
    fake.reset();
    controller.goTo(2);
    await settle();
    assert.equal(fake.counts.inlayRefresh, 1, 'y has one');
    assert.equal(fake.counts.setDecorations, 0, 'the same line: no new decoration');
  });

  it('a stepping command does not compile an unchanged document again: no re-read, no diagnostics re-sent; an edit compiles once', async () => {
    const d = fakeDocument('/w/flush.backprop', 'a = 2\nb = 3\ny = a * b');
    fake.open(d);
    await settle();
    type Doc = import('vscode').TextDocument;
    const s = controller.sessionFor(d.uri as unknown as VsUri);
    assert.equal(s?.source, 'a = 2\nb = 3\ny = a * b');
    fake.reset();
    const reads = d.textReads;
    // What every step command does first (requireSession), several steps in a row.
    for (let i = 0; i < 5; i++) {
      controller.ensureSession(d as unknown as Doc);
      controller.flushDocument(d as unknown as Doc);
      controller.goTo(i + 1, s);
    }
    await settle();
    assert.equal(d.textReads, reads, 'the text is not read again');
    assert.equal(fake.counts.diagnosticsSet, 0, 'the same diagnostics are not sent again');
    // An edit (a new version) is compiled at the next command, once.
    d.edit('a = 2\nb = 4\ny = a * b');
    controller.flushDocument(d as unknown as Doc);
    controller.flushDocument(d as unknown as Doc);
    assert.equal(d.textReads, reads + 1);
    assert.equal(fake.counts.diagnosticsSet, 1);
    assert.equal(s?.source, 'a = 2\nb = 4\ny = a * b');
  });
});

describe('host editor features: the language\'s statements and names', () => {
  it('the inline hints sit on the lines of the assignments, one per named node, as the nodes say', async () => {
    const { readdirSync } = await import('node:fs');
    const { namedNodesByLine } = await import('../../../src/host/editorFeatures');
    const { GraphSession } = await import('../../../src/host/session');
    const { createEngine } = await import('../../../src/host/engineBinding');
    const files = readdirSync(new URL('../../../examples/', import.meta.url)).filter((f) => f.endsWith('.backprop'));
    assert.ok(files.length >= 5);
    let checked = 0;
    for (const file of files) {
      for (const expanded of [false, true]) {
        const s = new GraphSession(`file:///w/${file}`, file, createEngine());
        s.expanded = expanded;
        s.update(example(file));
        if (!s.graph) continue;
        // What each assignment statement makes, against the named nodes where they were made.
        const byNodes = new Map<number, string>();
        for (const n of s.graph.nodes) if (n.name !== undefined) byNodes.set(n.range.start.line - 1, n.label);
        const byStatements = new Map([...namedNodesByLine(s)].map(([line, n]) => [line, n.label]));
        assert.deepEqual(byStatements, byNodes, `${file}${expanded ? ' (expanded)' : ''}`);
        checked++;
      }
    }
    assert.ok(checked >= 10, `${checked} graphs checked`);
  });
});
