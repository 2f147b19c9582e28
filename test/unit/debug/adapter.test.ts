/**
 * The debugger as editors run it: `node debugAdapter.js` spawned as a process and driven over
 * stdio with `@vscode/debugadapter-testsupport`'s DebugClient (the Debug Adapter Protocol). The
 * adapter is bundled with esbuild (the options of scripts/build.mjs) into a temporary folder, so
 * the test does not depend on or touch `dist/`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as esbuild from 'esbuild';

const ROOT = join(__dirname, '..', '..', '..');
const APPLE_ORANGE = join(ROOT, 'examples', 'buy-apple-orange.backprop');
let dir = '';
let adapter = '';
let dc: DebugClient;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backprop-dap-'));
  adapter = join(dir, 'debugAdapter.js');
  const { buildKernelsWasm } = (await import(join(ROOT, 'scripts/build-wasm.mjs'))) as { buildKernelsWasm: () => Promise<number> };
  await buildKernelsWasm();
  await esbuild.build({ entryPoints: [join(ROOT, 'src', 'debugAdapter.ts')], outfile: adapter, bundle: true, platform: 'node', format: 'cjs', target: 'es2022', logLevel: 'silent' });
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  dc = new DebugClient(process.execPath, adapter, 'backprop');
  dc.defaultTimeout = 20_000;
  await dc.start();
});

afterEach(async () => {
  await dc.stop();
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Sends a request and waits for the stop it causes. */
async function stopAfter(request: Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const [, event] = await Promise.all([request, dc.waitForEvent('stopped')]);
  return event as DebugProtocol.StoppedEvent;
}

async function launch(args: Record<string, unknown>, breakpoints: DebugProtocol.SourceBreakpoint[] = []): Promise<DebugProtocol.StoppedEvent> {
  const configured = dc.waitForEvent('initialized').then(async () => {
    if (breakpoints.length > 0) await dc.setBreakpointsRequest({ source: { path: String(args.program) }, breakpoints });
    await dc.configurationDoneRequest();
  });
  const [, , stopped] = await Promise.all([configured, dc.launch(args), dc.waitForEvent('stopped')]);
  return stopped as DebugProtocol.StoppedEvent;
}

async function topFrame(): Promise<DebugProtocol.StackFrame> {
  const r = await dc.stackTraceRequest({ threadId: 1 });
  return r.body.stackFrames[0];
}

/** The Values and Gradients scopes at the cursor: name → displayed value. */
async function scopes(): Promise<{ values: Record<string, string>; grads: Record<string, string> }> {
  const frame = await topFrame();
  const r = await dc.scopesRequest({ frameId: frame.id });
  const read = async (s: DebugProtocol.Scope): Promise<Record<string, string>> => {
    const v = await dc.variablesRequest({ variablesReference: s.variablesReference });
    return Object.fromEntries(v.body.variables.map((x) => [x.name, x.value]));
  };
  assert.deepEqual(r.body.scopes.map((s) => s.name), ['Values', 'Gradients']);
  return { values: await read(r.body.scopes[0]), grads: await read(r.body.scopes[1]) };
}

async function evaluate(expression: string, context = 'repl'): Promise<string> {
  const r = await dc.evaluateRequest({ expression, context, frameId: 1 });
  return r.body.result;
}

async function evaluateError(expression: string): Promise<string> {
  try {
    await dc.evaluateRequest({ expression, context: 'repl', frameId: 1 });
  } catch (e) {
    return (e as Error).message;
  }
  throw new assert.AssertionError({ message: `evaluating ${JSON.stringify(expression)} did not fail` });
}

describe('debug adapter over stdio (DAP)', () => {
  it('declares its capabilities: step back, conditions, hit counts, hovers, restart, goto', async () => {
    const r = await dc.initializeRequest();
    const caps = r.body ?? {};
    for (const key of ['supportsStepBack', 'supportsConfigurationDoneRequest', 'supportsEvaluateForHovers', 'supportsRestartRequest', 'supportsConditionalBreakpoints', 'supportsHitConditionalBreakpoints', 'supportsGotoTargetsRequest'] as const) {
      assert.equal(caps[key], true, key);
    }
  });

  it('stops on entry at the node about to run, with one thread "Backprop"', async () => {
    const stopped = await launch({ program: APPLE_ORANGE });
    assert.equal(stopped.body.reason, 'entry');
    const threads = await dc.threadsRequest();
    assert.deepEqual(threads.body.threads.map((t) => t.name), ['Backprop']);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    const [top, phase] = st.body.stackFrames;
    assert.equal(top.name, 'forward · apple_price = apple * apple_num');
    assert.equal(top.source?.path, APPLE_ORANGE);
    assert.equal(top.line, 14);
    assert.equal(top.column, 15);
    assert.equal(phase.name, 'forward pass · step 1 of 4');
  });

  it('next and stepBack are symmetric over the whole run; the end is "done" and stays there', async () => {
    await launch({ program: APPLE_ORANGE });
    const seen: string[] = [];
    const snapshot = async () => JSON.stringify({ frame: (await topFrame()).name, ...(await scopes()) });
    seen.push(await snapshot());
    for (let i = 0; i < 8; i++) {
      const e = await stopAfter(dc.nextRequest({ threadId: 1 }));
      assert.equal(e.body.reason, 'step');
      seen.push(await snapshot());
    }
    assert.deepEqual(
      seen.map((s) => (JSON.parse(s) as { frame: string }).frame),
      [
        'forward · apple_price = apple * apple_num',
        'forward · orange_price = orange * orange_num',
        'forward · all_price = apple_price + orange_price',
        'forward · price = all_price * tax',
        'backward · price = all_price * tax',
        'backward · all_price = apple_price + orange_price',
        'backward · orange_price = orange * orange_num',
        'backward · apple_price = apple * apple_num',
        'done',
      ],
    );
    await stopAfter(dc.nextRequest({ threadId: 1 }));
    assert.equal((await topFrame()).name, 'done');
    for (let i = 8; i > 0; i--) {
      await stopAfter(dc.stepBackRequest({ threadId: 1 }));
      assert.equal(await snapshot(), seen[i - 1], `after stepping back to step ${i - 1}`);
    }
    await stopAfter(dc.stepBackRequest({ threadId: 1 }));
    assert.equal(await snapshot(), seen[0]);
  });

  it('shows only what is computed at the cursor: the book numbers 715, 2.2, 110, 3.3, 165, 650', async () => {
    await launch({ program: APPLE_ORANGE });
    let s = await scopes();
    assert.deepEqual(s.values, { apple: '100', apple_num: '2', orange: '150', orange_num: '3', tax: '1.1' });
    assert.deepEqual(s.grads, {});
    for (let i = 0; i < 4; i++) await stopAfter(dc.nextRequest({ threadId: 1 }));
    s = await scopes();
    assert.equal(s.values.price, '715');
    assert.equal(s.values.all_price, '650');
    assert.deepEqual(s.grads, {});
    await stopAfter(dc.nextRequest({ threadId: 1 }));
    s = await scopes();
    assert.deepEqual(s.grads, { all_price: '1.1', tax: '650', price: '1' });
    await stopAfter(dc.continueRequest({ threadId: 1 }));
    s = await scopes();
    assert.deepEqual(
      { apple: s.grads.apple, apple_num: s.grads.apple_num, orange: s.grads.orange, orange_num: s.grads.orange_num, tax: s.grads.tax },
      { apple: '2.2', apple_num: '110', orange: '3.3', orange_num: '165', tax: '650' },
    );
  });

  it('variables have evaluateName (Add to Watch) and tensors expand into rows and elements', async () => {
    const program = file('matrix.backprop', 'x = [[1, 2, 3], [4, 5, 6]]\nW = [10, 20, 30]\ny = x * W\nloss = sum(y)\n');
    await launch({ program });
    await stopAfter(dc.continueRequest({ threadId: 1 }));
    const r = await dc.scopesRequest({ frameId: 1 });
    const values = (await dc.variablesRequest({ variablesReference: r.body.scopes[0].variablesReference })).body.variables;
    const y = values.find((v) => v.name === 'y');
    assert.ok(y);
    assert.equal(y.value, '2×3 [[10, 40, 90], …]');
    assert.equal(y.evaluateName, 'y');
    assert.equal(y.type, '2×3');
    const rows = (await dc.variablesRequest({ variablesReference: y.variablesReference })).body.variables;
    assert.deepEqual(rows.map((v) => [v.name, v.value]), [['[0]', '[10, 40, 90]'], ['[1]', '[40, 100, 180]']]);
    const cells = (await dc.variablesRequest({ variablesReference: rows[1].variablesReference })).body.variables;
    assert.deepEqual(cells.map((v) => [v.name, v.value]), [['[0]', '40'], ['[1]', '100'], ['[2]', '180']]);
    const paged = (await dc.variablesRequest({ variablesReference: rows[1].variablesReference, filter: 'indexed', start: 1, count: 1 })).body.variables;
    assert.deepEqual(paged.map((v) => v.name), ['[1]']);
    const grads = (await dc.variablesRequest({ variablesReference: r.body.scopes[1].variablesReference })).body.variables;
    const gW = grads.find((v) => v.name === 'W');
    assert.equal(gW?.evaluateName, 'grad(W)');
    assert.equal(gW?.value, '[5, 7, 9]');
    assert.equal(await evaluate('grad(W)'), '[5, 7, 9]');
  });

  it('evaluates expressions of the language at the cursor; errors give their column and never crash', async () => {
    await launch({ program: APPLE_ORANGE });
    assert.equal(await evaluate('orange * orange_num + 1'), '451');
    assert.equal(await evaluate('apple', 'hover'), '100');
    assert.equal(await evaluate('[apple, 2] * 2', 'watch'), '[200, 4]');
    assert.match(await evaluateError('orange * ) 2'), /^column 10: /);
    assert.match(await evaluateError('all_price'), /'all_price' is not computed yet: forward step 3 computes it/);
    assert.match(await evaluateError('grad(tax)'), /'tax' has no gradient yet/);
    assert.match(await evaluateError('oranje'), /no value named 'oranje'.*did you mean 'orange'/);
    assert.match(await evaluateError('apple = 3'), /column \d+: /);
    assert.match(await evaluateError(''), /empty/);
    await stopAfter(dc.continueRequest({ threadId: 1 }));
    assert.equal(await evaluate('grad(tax)'), '650');
    assert.equal(await evaluate('price / tax'), '650');
  });

  it('line breakpoints hit in the forward pass and again before the backward step', async () => {
    const stopped = await launch({ program: APPLE_ORANGE, stopOnEntry: false }, [{ line: 16 }]);
    assert.equal(stopped.body.reason, 'breakpoint');
    assert.equal((await topFrame()).name, 'forward · all_price = apple_price + orange_price');
    let e = await stopAfter(dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'breakpoint');
    assert.equal((await topFrame()).name, 'backward · all_price = apple_price + orange_price');
    e = await stopAfter(dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'step');
    assert.equal((await topFrame()).name, 'done');
    // Reverse Continue walks back through the same stops, then to the start.
    await stopAfter(dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal((await topFrame()).name, 'backward · all_price = apple_price + orange_price');
    await stopAfter(dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal((await topFrame()).name, 'forward · all_price = apple_price + orange_price');
    e = await stopAfter(dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'entry');
    assert.equal((await topFrame()).name, 'forward · apple_price = apple * apple_num');
  });

  it('breakpoints on lines without a node are unverified, with a reason', async () => {
    await launch({ program: APPLE_ORANGE });
    const r = await dc.setBreakpointsRequest({ source: { path: APPLE_ORANGE }, breakpoints: [{ line: 8 }, { line: 3 }, { line: 17 }, { line: 17, condition: 'sum(all_pric) > 1' }, { line: 17, hitCondition: 'often' }] });
    const [leaf, comment, ok, badCondition, badHits] = r.body.breakpoints;
    assert.equal(leaf.verified, false);
    assert.match(leaf.message ?? '', /'apple' is an input \(a leaf\)/);
    assert.equal(comment.verified, false);
    assert.match(comment.message ?? '', /No node runs on line 3/);
    assert.equal(ok.verified, true);
    assert.equal(badCondition.verified, false);
    assert.match(badCondition.message ?? '', /column 5: .*'all_pric'.*did you mean 'all_price'/);
    assert.equal(badHits.verified, false);
    const other = await dc.setBreakpointsRequest({ source: { path: join(ROOT, 'examples', 'relu.backprop') }, breakpoints: [{ line: 2 }] });
    assert.equal(other.body.breakpoints[0].verified, false);
  });

  it('conditional breakpoints: an expression of the language, compared once', async () => {
    await launch({ program: APPLE_ORANGE, stopOnEntry: false }, [{ line: 17, condition: 'sum(all_price) > 900' }]);
    assert.equal((await topFrame()).name, 'done', 'all_price is 650: the condition never holds');
    await stopAfter(dc.restartRequest({}));
    await dc.setBreakpointsRequest({ source: { path: APPLE_ORANGE }, breakpoints: [{ line: 17, condition: 'sum(all_price) > 600' }] });
    let e = await stopAfter(dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'breakpoint');
    assert.equal((await topFrame()).name, 'forward · price = all_price * tax');
    await stopAfter(dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame()).name, 'backward · price = all_price * tax');
    // A gradient in the condition: false (not there yet) in the forward pass, true in the backward pass.
    await stopAfter(dc.restartRequest({}));
    await dc.setBreakpointsRequest({ source: { path: APPLE_ORANGE }, breakpoints: [{ line: 16, condition: 'grad(all_price) == 1.1' }] });
    e = await stopAfter(dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'breakpoint');
    assert.equal((await topFrame()).name, 'backward · all_price = apple_price + orange_price');
    // Without a comparison, a non-zero value holds.
    await stopAfter(dc.restartRequest({}));
    await dc.setBreakpointsRequest({ source: { path: APPLE_ORANGE }, breakpoints: [{ line: 15, condition: 'apple - 100' }, { line: 16, condition: 'apple_num - 1' }] });
    await stopAfter(dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame()).name, 'forward · all_price = apple_price + orange_price');
  });

  it('hit counts count the stops from step 0: 2 is the backward pass, whichever way the cursor came', async () => {
    await launch({ program: APPLE_ORANGE, stopOnEntry: false }, [{ line: 16, hitCondition: '2' }]);
    assert.equal((await topFrame()).name, 'backward · all_price = apple_price + orange_price');
    await stopAfter(dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame()).name, 'done');
    await stopAfter(dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal((await topFrame()).name, 'backward · all_price = apple_price + orange_price');
    await dc.setBreakpointsRequest({ source: { path: APPLE_ORANGE }, breakpoints: [{ line: 16, hitCondition: '<2' }] });
    const e = await stopAfter(dc.reverseContinueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'breakpoint');
    assert.equal((await topFrame()).name, 'forward · all_price = apple_price + orange_price');
  });

  it('restart goes back to step 0; goto targets jump to a line in either pass', async () => {
    await launch({ program: APPLE_ORANGE });
    await stopAfter(dc.continueRequest({ threadId: 1 }));
    const e = await stopAfter(dc.restartRequest({}));
    assert.equal(e.body.reason, 'entry');
    assert.equal((await topFrame()).name, 'forward · apple_price = apple * apple_num');
    const targets = await dc.gotoTargetsRequest({ source: { path: APPLE_ORANGE }, line: 15 });
    assert.deepEqual(targets.body.targets.map((t) => t.label), ['forward · orange_price = orange * orange_num', 'backward · orange_price = orange * orange_num']);
    await stopAfter(dc.gotoRequest({ threadId: 1, targetId: targets.body.targets[1].id }));
    assert.equal((await topFrame()).name, 'backward · orange_price = orange * orange_num');
    assert.equal((await scopes()).grads.orange_price, '1.1');
  });

  it('a failed launch says why: no program, a missing file, a file with errors (FILE:L:C)', async () => {
    await dc.initializeRequest();
    await assert.rejects(dc.launchRequest({} as DebugProtocol.LaunchRequestArguments), /needs "program"/);
    const missing = join(dir, 'nope.backprop');
    await assert.rejects(dc.launchRequest({ program: missing } as DebugProtocol.LaunchRequestArguments), (e: Error) => {
      assert.equal(e.message, `${missing}: error: cannot read the file: no such file`);
      return true;
    });
    const broken = file('broken.backprop', 'a = 1\nb = a * \n');
    await assert.rejects(dc.launchRequest({ program: broken } as DebugProtocol.LaunchRequestArguments), (e: Error) => {
      assert.match(e.message, new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: error: `));
      return true;
    });
  });

  it('matrices: the matmul gradient at the end', async () => {
    const program = file('bad-step.backprop', 'x = [[1, 2], [3, 4]]\nW = [[1, 0], [0, 1]]\ny = x @ W\nloss = sum(y)\n');
    await launch({ program });
    await stopAfter(dc.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame()).name, 'done');
    assert.equal(await evaluate('grad(W)'), '2×2 [[4, 4], [6, 6]]');
  });
});
