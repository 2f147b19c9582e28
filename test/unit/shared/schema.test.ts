/**
 * The valibot schemas of the boundaries (src/shared/schema.ts, src/host/commandArgs.ts): what each
 * accepts, what it drops, and that inherited properties never count.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandArg, NodeArgSchema, OpenHowArgSchema, RevealNodeArgSchema, StepArgSchema, TrainArgsSchema } from '../../../src/host/commandArgs';
import { MAX_FIGURE_CHARS, parseWebviewMessage } from '../../../src/shared/protocol';
import { PanelStateSchema, parseOrUndefined } from '../../../src/shared/schema';

describe('stepper webview messages', () => {
  it('accepts each message, without the keys it does not know', () => {
    const good = [
      { type: 'ready' },
      { type: 'change', change: { kind: 'command', command: 'stepBackward' } },
      { type: 'change', change: { kind: 'goTo', step: 7 } },
      { type: 'change', change: { kind: 'select', node: 0, reveal: false } },
      { type: 'change', change: { kind: 'select', node: 3, reveal: true } },
      { type: 'change', change: { kind: 'select', node: null, reveal: false } },
      { type: 'change', change: { kind: 'practice', enabled: false } },
      { type: 'explainElement', node: 2, input: 1, row: 0, col: 4 },
      { type: 'figure', requestId: 1, format: 'svg', data: '<?xml version="1.0"?>\n<svg xmlns="x"></svg>' },
      { type: 'figure', requestId: 2, format: 'png', data: 'iVBORw0KGgo=' },
      { type: 'figureError', requestId: 3, message: 'no canvas' },
    ];
    for (const m of good) assert.deepEqual(parseWebviewMessage({ ...m, extra: 1 }), m);
    // A change's own unknown keys are dropped too.
    assert.deepEqual(parseWebviewMessage({ type: 'change', change: { kind: 'goTo', step: 7, node: 1 } }), { type: 'change', change: { kind: 'goTo', step: 7 } });
  });

  it('drops malformed ones', () => {
    const bad: unknown[] = [
      null, 'ready', [], Object.assign([], { type: 'ready' }), { type: 'nope' }, { type: 'change', change: { kind: 'command', command: 'rm -rf' } },
      { type: 'change', change: { kind: 'goTo', step: -1 } }, { type: 'change', change: { kind: 'goTo', step: 1.5 } },
      { type: 'change', change: { kind: 'goTo', step: 1e9 + 1 } }, { type: 'change', change: { kind: 'goTo', step: '3' } },
      { type: 'change', change: { kind: 'select' } }, { type: 'change', change: { kind: 'select', node: 1 } }, { type: 'change', change: { kind: 'select', node: -1, reveal: false } },
      { type: 'change', change: { kind: 'practice', enabled: 'yes' } }, { type: 'change' }, { type: 'change', change: [] }, { type: 'change', change: { kind: 'nope' } },
      // The messages before the one door are gone.
      { type: 'command', command: 'stepBackward' }, { type: 'goTo', step: 7 }, { type: 'select', node: 0 }, { type: 'revealLine', node: 3 }, { type: 'practice', enabled: false },
      { type: 'explainElement', node: 1, input: 0, row: 0 },
      { type: 'figure', requestId: 1, format: 'gif', data: 'R0lG' },
      { type: 'figure', requestId: 1, format: 'svg', data: '<html><svg></svg>' },
      { type: 'figure', requestId: 1, format: 'png', data: 'not base64!' },
      { type: 'figure', requestId: 1, format: 'png', data: '' },
      { type: 'figure', requestId: 1, format: 'png', data: 'A'.repeat(MAX_FIGURE_CHARS + 1) },
      { type: 'figureError', requestId: 1 },
    ];
    for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m)?.slice(0, 80));
  });

  it('cuts a figure error to 500 characters', () => {
    const m = parseWebviewMessage({ type: 'figureError', requestId: 1, message: 'x'.repeat(2000) });
    assert.equal(m?.type === 'figureError' && m.message.length, 500);
  });
});

describe('the stepper webview\'s saved state', () => {
  const load = (x: unknown) => parseOrUndefined(PanelStateSchema, x);

  it('keeps what is well formed and drops a malformed view, layout key or score', () => {
    const s = load({ uri: 'file:///a.backprop', cursor: 4, expanded: true, selected: 1, view: { x: 1, y: 2, k: 0.5 }, layoutKey: 'k1', scores: { 'file:///a.backprop': { right: 2, wrong: 1 }, bad: { right: 'x', wrong: 0 } } });
    assert.deepEqual(s, { uri: 'file:///a.backprop', cursor: 4, expanded: true, selected: 1, view: { x: 1, y: 2, k: 0.5 }, layoutKey: 'k1', scores: { 'file:///a.backprop': { right: 2, wrong: 1 } } });
    const t = load({ uri: 'file:///a.backprop', cursor: -2, view: { x: 1, y: NaN, k: 1 }, layoutKey: 3, scores: [] });
    assert.deepEqual(t, { uri: 'file:///a.backprop', cursor: 0, expanded: false, selected: null, view: undefined, layoutKey: undefined, scores: undefined });
    for (const bad of [undefined, null, 'x', [], {}, { uri: 3 }, { uri: '' }]) assert.equal(load(bad), undefined, JSON.stringify(bad));
  });

  it('never reads an inherited property', () => {
    assert.equal(load(Object.create({ uri: 'file:///a.backprop' })), undefined);
    const s = load(Object.assign(Object.create({ view: { x: 0, y: 0, k: 1 }, cursor: 3 }) as object, { uri: 'file:///a.backprop' }));
    assert.equal(s?.cursor, 0);
    assert.equal(s?.view, undefined);
  });
});

describe('command arguments', () => {
  it('Go to Step: a whole number, or a string of one', () => {
    assert.equal(commandArg(StepArgSchema, 3), 3);
    assert.equal(commandArg(StepArgSchema, '4'), 4);
    for (const bad of [-1, 2.5, 'x', NaN, null, {}, true]) assert.equal(commandArg(StepArgSchema, bad), undefined, String(bad));
  });

  it('Reveal in Editor and Save Tensor: a node id or a Nodes view item', () => {
    assert.equal(commandArg(RevealNodeArgSchema, 2), 2);
    assert.equal(commandArg(RevealNodeArgSchema, { kind: 'node', id: '5' }), 5);
    assert.equal(commandArg(RevealNodeArgSchema, { id: 'x' }), undefined);
    assert.equal(commandArg(NodeArgSchema, { kind: 'node', id: 4 }), 4);
    assert.equal(commandArg(NodeArgSchema, { id: 4 }), 4);
    assert.equal(commandArg(NodeArgSchema, { kind: 'link', parent: 1, target: 6, id: 9 }), 6);
    for (const bad of [1.5, '3', { kind: 'other', id: 4 }, { kind: 'link' }, null]) assert.equal(commandArg(NodeArgSchema, bad), undefined, JSON.stringify(bad));
  });

  it('Open Example: preserveFocus only when it is true', () => {
    assert.ok(commandArg(OpenHowArgSchema, { preserveFocus: true }));
    for (const bad of [{ preserveFocus: 'true' }, {}, [], null, true]) assert.equal(commandArg(OpenHowArgSchema, bad), undefined, JSON.stringify(bad));
  });

  it('Train: own, well-formed options only; a malformed one is left out, not set to undefined', () => {
    assert.deepEqual(commandArg(TrainArgsSchema, { data: 'spiral', iterations: 50, seed: 'x', hidden: Infinity, batch: 10, extra: 1 }), { data: 'spiral', iterations: 50, batch: 10 });
    const inherited = Object.assign(Object.create({ iterations: 5, data: 'spiral' }) as object, { seed: 3 });
    assert.deepEqual(commandArg(TrainArgsSchema, inherited), { seed: 3 });
    assert.deepEqual(commandArg(TrainArgsSchema, { data: '' }), {});
    assert.equal(commandArg(TrainArgsSchema, 'spiral'), undefined);
  });
});
