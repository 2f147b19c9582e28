/**
 * `npm run bench:debug`: the debugger on the 2,000-node graph (bench/vscode/ladder.ts, 3,000
 * steps). The time of one `next` request until its `stopped` event:
 *
 *   - over stdio: `node dist/debugAdapter.js` driven by @vscode/debugadapter-testsupport's
 *     DebugClient, as an editor runs the standalone adapter;
 *   - inline: the same session class in this process, messages passed as objects, as the
 *     extension host runs it (DebugAdapterInlineImplementation);
 *   - the floor: the replay stepper's own `next()` on the same graph, no protocol at all;
 *
 * each for the first pass (the step is computed) and for a replay (the step was recorded before:
 * after a restart). One more row adds what VS Code asks after every stop (stackTrace, scopes and
 * the Values scope, ~1,500 variables). Interleaved turns, medians over all steps; several rounds.
 * `--quick` runs fewer. Needs `npm run build` (the script does it, as bench does).
 */
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { compile } from '../src/language/index';
import { Stepper } from '../src/engine/stepper';
import { BackpropDebugSession } from '../src/debug/session';
import { createStandaloneTarget } from '../src/debug/target';
import { generateLadder } from './vscode/ladder';
import { fmt, interleave, median, nowUs, percentile, table, type Contender } from './stats';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 6;
const REPS = quick ? 40 : 100;
const root = join(__dirname, '..');
const adapterJs = join(root, 'dist', 'debugAdapter.js');

const dir = mkdtempSync(join(tmpdir(), 'backprop-bench-debug-'));
const source = generateLadder(2000);
const program = join(dir, 'ladder-2000.backprop');
writeFileSync(program, source);

interface Driver {
  next(): Promise<void>;
  /** next + what the UI asks after a stop. */
  nextAndRefresh?(): Promise<void>;
  restart(): Promise<void>;
  /** Runs to the end (computing every step) and back to step 0. */
  record(): Promise<void>;
  close(): Promise<void>;
}

async function stdioDriver(): Promise<Driver> {
  const dc = new DebugClient(process.execPath, adapterJs, 'backprop');
  dc.defaultTimeout = 60_000;
  await dc.start();
  await Promise.all([dc.configurationSequence(), dc.launch({ program }), dc.waitForEvent('stopped')]);
  const stopAfter = async (r: Promise<unknown>) => {
    await Promise.all([r, dc.waitForEvent('stopped')]);
  };
  return {
    next: () => stopAfter(dc.nextRequest({ threadId: 1 })),
    async nextAndRefresh() {
      await stopAfter(dc.nextRequest({ threadId: 1 }));
      const st = await dc.stackTraceRequest({ threadId: 1, startFrame: 0, levels: 20 });
      const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
      await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
    },
    restart: () => stopAfter(dc.restartRequest({})),
    async record() {
      await stopAfter(dc.continueRequest({ threadId: 1 }));
      await stopAfter(dc.restartRequest({}));
    },
    close: () => dc.stop(),
  };
}

/** The session class in this process, driven with message objects (what VS Code does inline). */
async function inlineDriver(): Promise<Driver> {
  const session = new BackpropDebugSession({ open: async (file, expand) => createStandaloneTarget(file, source, expand, async () => source) });
  let seq = 1;
  const waiters: ((m: DebugProtocol.ProtocolMessage) => boolean)[] = [];
  session.onDidSendMessage((m) => {
    const msg = m as DebugProtocol.ProtocolMessage;
    for (let i = 0; i < waiters.length; i++) {
      if (waiters[i](msg)) {
        waiters.splice(i, 1);
        return;
      }
    }
  });
  const waitFor = (test: (m: DebugProtocol.ProtocolMessage) => boolean): Promise<void> =>
    new Promise((resolve) => waiters.push((m) => (test(m) ? (resolve(), true) : false)));
  const isStopped = (m: DebugProtocol.ProtocolMessage) => m.type === 'event' && (m as DebugProtocol.Event).event === 'stopped';
  const request = (command: string, args: object): void => session.handleMessage({ seq: seq++, type: 'request', command, arguments: args } as DebugProtocol.Request);
  const stopAfter = async (command: string, args: object) => {
    const stopped = waitFor(isStopped);
    request(command, args);
    await stopped;
  };
  request('initialize', { adapterID: 'backprop', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const initialized = waitFor((m) => m.type === 'event' && (m as DebugProtocol.Event).event === 'initialized');
  const first = waitFor(isStopped);
  request('launch', { program });
  await initialized;
  request('configurationDone', {});
  await first;
  return {
    next: () => stopAfter('next', { threadId: 1 }),
    restart: () => stopAfter('restart', {}),
    async record() {
      await stopAfter('continue', { threadId: 1 });
      await stopAfter('restart', {});
    },
    close: async () => session.dispose(),
  };
}

/** The floor: the stepper alone. */
async function stepperDriver(): Promise<Driver> {
  const r = compile(source);
  if (!r.graph) throw new Error('the ladder does not compile');
  const stepper = new Stepper(r.graph);
  return {
    next: async () => {
      stepper.next();
    },
    restart: async () => stepper.reset(),
    async record() {
      stepper.runBackward();
      stepper.reset();
    },
    close: async () => undefined,
  };
}

type Mode = 'first pass' | 'replay';

/** A contender stepping `driver` (wrapping around to a restart at the end). */
function contender(name: string, driver: Driver, mode: Mode, total: number, step: () => Promise<void> = () => driver.next()): Contender {
  let cursor = 0;
  return {
    name,
    async run(reps) {
      const out: number[] = [];
      for (let i = 0; i < reps; i++) {
        if (cursor >= total) {
          if (mode === 'first pass') throw new Error(`${name}: ran out of first-pass steps (use fewer rounds)`);
          await driver.restart();
          cursor = 0;
        }
        // Timed in the loop so each sample is one request's round trip.
        const s = nowUs();
        await step();
        out.push(nowUs() - s);
        cursor++;
      }
      return out;
    },
  };
}

async function main(): Promise<void> {
  const graph = compile(source).graph;
  if (!graph) throw new Error('the ladder does not compile');
  const total = new Stepper(graph).totalSteps;
  if (ROUNDS * REPS > total) throw new Error('more first-pass steps than the graph has');
  console.log(`debugger benchmark: ${graph.nodes.length} nodes, ${total} steps; ${ROUNDS} rounds × ${REPS} steps per contender; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);

  const drivers = {
    stdioFirst: await stdioDriver(),
    stdioReplay: await stdioDriver(),
    stdioRefresh: await stdioDriver(),
    inlineFirst: await inlineDriver(),
    inlineReplay: await inlineDriver(),
    stepperFirst: await stepperDriver(),
    stepperReplay: await stepperDriver(),
  };
  for (const d of [drivers.stdioReplay, drivers.stdioRefresh, drivers.inlineReplay, drivers.stepperReplay]) await d.record();
  const contenders = [
    contender('DAP over stdio, first pass', drivers.stdioFirst, 'first pass', total),
    contender('DAP over stdio, replay', drivers.stdioReplay, 'replay', total),
    contender('DAP over stdio, replay + stackTrace/scopes/Values', drivers.stdioRefresh, 'replay', total, () => drivers.stdioRefresh.nextAndRefresh?.() ?? Promise.resolve()),
    contender('inline session, first pass', drivers.inlineFirst, 'first pass', total),
    contender('inline session, replay', drivers.inlineReplay, 'replay', total),
    contender('stepper.next() alone, first pass (floor)', drivers.stepperFirst, 'first pass', total),
    contender('stepper.next() alone, replay (floor)', drivers.stepperReplay, 'replay', total),
  ];
  const samples = await interleave(contenders, ROUNDS, REPS);
  const floor = median(samples.wall.get('stepper.next() alone, replay (floor)') ?? []);
  const rows = contenders.map((c) => {
    const xs = samples.wall.get(c.name) ?? [];
    const m = median(xs);
    return [c.name, fmt(m, 1), fmt(percentile(xs, 90), 1), fmt(percentile(xs, 99), 1), String(xs.length)];
  });
  console.log('\none `next` request → its `stopped` event (µs)\n');
  console.log(table(['contender', 'median µs', 'p90 µs', 'p99 µs', 'steps'], rows));
  console.log(`\n(the stepper's replay floor is ${fmt(floor, 2)} µs per step)`);
  for (const d of Object.values(drivers)) await d.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
