/**
 * Backprop as a debugger: one Debug Adapter Protocol session (built on `@vscode/debugadapter`)
 * over the replay stepper. It runs inline in the extension host (src/host/debug.ts, cursor shared
 * with the panel) and as the standalone program `node dist/debugAdapter.js` (src/debugAdapter.ts,
 * DAP over stdio). Pure: no `vscode`; files are read by the host given to the constructor.
 *
 * Position convention: a stop shows the node about to run. Cursor c (c steps done) shows step c's
 * node; at the end (c = total) the frame is the output line, named "done". `next`/`stepIn` run one
 * step, `stepBack` un-runs one, `continue`/`reverseContinue` go to the next breakpoint or the end /
 * the start (and stop there: a stepper does not exit by itself), `stepOut` finishes the pass,
 * `goto` jumps to a step of a line, `restart` goes back to step 0.
 *
 * A line breakpoint hits where a pass enters its line (ProgramIndex.entry): before the line's
 * forward step(s) and again before its backward step(s). Conditions are expressions of the
 * language over the values at that stop (src/language/evaluate.ts); hit counts count, from step 0,
 * the stops of that breakpoint whose condition holds (`2` or `==2`: the second, `>=2`, `>2`, `<3`,
 * `<=3`, `%2`), so they mean the same whichever way the cursor came.
 */
import { DebugSession, Handles, InitializedEvent, OutputEvent, StoppedEvent, TerminatedEvent, Thread, BreakpointEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SourceRange } from '../engine/graph';
import { StepError } from '../engine/stepper';
import { Tensor } from '../engine/tensor';
import { formatNumber, formatSummary, shapeLabel } from '../shared/format';
import { phaseWord, plainTranslate, type Translate } from '../shared/stepText';
import { nearestName } from '../language/diagnostics';
import { evaluateCondition, evaluateExpression, gradKey, type EvaluationError, type NameResolver } from '../language/evaluate';
import { ProgramIndex } from './program';
import { LaunchError, type DebugTarget, type Disposable } from './target';

export const THREAD_ID = 1;
export const DEBUG_TYPE = 'backprop';

export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** Path (or, in the extension host, URI) of the `.backprop` file. */
  program?: unknown;
  /** Stop before the first step (default true); otherwise run to the first breakpoint or the end. */
  stopOnEntry?: unknown;
  /** Composite layers (sigmoid, affine) as their primitive nodes. */
  expand?: unknown;
}

/** Opens the program of a launch: compiles it and gives the target to step (LaunchError when it cannot). */
export type OpenTarget = (program: string, expand: boolean) => Promise<DebugTarget>;

export interface DebugSessionOptions {
  open: OpenTarget;
  /** UI strings (`vscode.l10n.t` in the extension host). */
  t?: Translate;
}

interface LineBreakpoint {
  id: number;
  line: number;
  condition?: string;
  hitCondition?: (hits: number) => boolean;
  /** The hit count text did not parse (the breakpoint stays unverified). */
  badHitCondition?: string;
  verified: boolean;
  message?: string;
}

type VariableRef = { kind: 'scope'; which: 'values' | 'grads' } | { kind: 'tensor'; tensor: Tensor; row?: number };

type StopReason = 'entry' | 'step' | 'breakpoint' | 'goto' | 'pause' | 'exception';

const PHASE_FRAME = 2;
const NODE_FRAME = 1;

/** Parses a hit condition: `3` / `==3`, `>=3`, `>3`, `<3`, `<=3`, `%3`. */
export function parseHitCondition(text: string): ((hits: number) => boolean) | undefined {
  const m = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[2]);
  switch (m[1] ?? '==') {
    case '==':
      return (h) => h === n;
    case '>=':
      return (h) => h >= n;
    case '<=':
      return (h) => h <= n;
    case '>':
      return (h) => h > n;
    case '<':
      return (h) => h < n;
    default:
      return n === 0 ? undefined : (h) => h % n === 0;
  }
}

function truthy(x: unknown, fallback: boolean): boolean {
  return typeof x === 'boolean' ? x : fallback;
}

function where(error: EvaluationError): string {
  const { line, column } = error.range.start;
  return line > 1 ? `line ${line}, column ${column}: ${error.message}` : `column ${column}: ${error.message}`;
}

export class BackpropDebugSession extends DebugSession {
  private readonly t: Translate;
  private target: DebugTarget | undefined;
  private index: ProgramIndex | undefined;
  private programPath = '';
  private stopOnEntry = true;
  private launched = false;
  private configured = false;
  private started = false;
  private breakpoints: LineBreakpoint[] = [];
  private breakpointSource: DebugProtocol.Source | undefined;
  private nextBreakpointId = 1;
  private readonly variables = new Handles<VariableRef>(1000);
  private targetEvents: Disposable | undefined;

  constructor(private readonly options: DebugSessionOptions) {
    super();
    this.t = options.t ?? plainTranslate;
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  // ---- the protocol -------------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsEvaluateForHovers: true,
      supportsRestartRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsGotoTargetsRequest: true,
      supportsTerminateRequest: true,
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, given: LaunchArguments | undefined): Promise<void> {
    // A request without arguments arrives with none at all.
    const args: LaunchArguments = typeof given === 'object' && given !== null ? given : {};
    if (typeof args.program !== 'string' || args.program.trim() === '') {
      this.fail(response, this.t('The launch configuration needs "program": the path of a .backprop file.'));
      return;
    }
    this.programPath = args.program;
    this.stopOnEntry = truthy(args.stopOnEntry, true);
    try {
      this.attach(await this.options.open(args.program, truthy(args.expand, false)));
    } catch (e) {
      this.fail(response, e instanceof LaunchError ? e.message : `${args.program}: error: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.launched = true;
    this.sendResponse(response);
    // Breakpoints come after this (they need the program to be verified).
    this.sendEvent(new InitializedEvent());
    this.startIfReady();
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured = true;
    this.sendResponse(response);
    this.startIfReady();
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const requested: DebugProtocol.SourceBreakpoint[] = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
    if (!this.isProgram(args.source)) {
      response.body = { breakpoints: requested.map((b) => ({ verified: false, line: b.line, message: this.t('This file is not the program being debugged.') })) };
      this.sendResponse(response);
      return;
    }
    this.breakpointSource = args.source;
    this.breakpoints = requested.map((b) => {
      const bp: LineBreakpoint = { id: this.nextBreakpointId++, line: this.convertClientLineToDebugger(b.line), verified: false };
      if (b.condition !== undefined && b.condition.trim() !== '') bp.condition = b.condition;
      if (b.hitCondition !== undefined && b.hitCondition.trim() !== '') {
        const hit = parseHitCondition(b.hitCondition);
        if (hit) bp.hitCondition = hit;
        else bp.badHitCondition = this.t('The hit count "{0}" is not understood: write a number (the Nth hit), or >=N, >N, <N, <=N, ==N, %N.', b.hitCondition);
      }
      return bp;
    });
    for (const bp of this.breakpoints) this.verify(bp);
    response.body = { breakpoints: this.breakpoints.map((bp) => this.toProtocol(bp)) };
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, 'Backprop')] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    const target = this.target;
    const index = this.currentIndex();
    if (!target || !index) {
      response.body = { stackFrames: [], totalFrames: 0 };
      this.sendResponse(response);
      return;
    }
    const s = target.stepper;
    const c = s.cursor;
    const source = this.source();
    const frames: DebugProtocol.StackFrame[] = [];
    if (c < s.totalSteps) {
      const node = target.graph.nodes[index.stepNode[c]];
      const phase = c < s.forwardSteps ? 'forward' : 'backward';
      frames.push({ id: NODE_FRAME, name: `${phaseWord(phase, this.t)} · ${index.describe(node)}`, source, ...this.position(node.range), ...this.end(node.range) });
      const done = phase === 'forward' ? c : c - s.forwardSteps;
      const of = phase === 'forward' ? s.forwardSteps : s.totalSteps - s.forwardSteps;
      // The pass, at the line where it starts: the first node forward, the output backward.
      const first = target.graph.nodes[phase === 'forward' ? index.stepNode[0] : target.graph.output].range;
      frames.push({ id: PHASE_FRAME, name: this.t('{0} pass · step {1} of {2}', phaseWord(phase, this.t), done + 1, of), source, ...this.position(first), presentationHint: 'label' });
    } else {
      const out = target.graph.nodes[target.graph.output];
      frames.push({ id: NODE_FRAME, name: phaseWord('done', this.t), source, ...this.position(out.range), ...this.end(out.range) });
      frames.push({ id: PHASE_FRAME, name: this.t('both passes done · {0} steps', s.totalSteps), source, ...this.position(out.range), presentationHint: 'label' });
    }
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    response.body = {
      scopes: [
        { name: this.t('Values'), variablesReference: this.variables.create({ kind: 'scope', which: 'values' }), expensive: false, presentationHint: 'locals' },
        { name: this.t('Gradients'), variablesReference: this.variables.create({ kind: 'scope', which: 'grads' }), expensive: false },
      ],
    };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const ref = this.variables.get(args.variablesReference);
    const target = this.target;
    const index = this.currentIndex();
    let list: DebugProtocol.Variable[] = [];
    if (ref && target && index) {
      if (ref.kind === 'scope') {
        for (const n of index.named) {
          if (ref.which === 'grads' && n.constant) continue;
          const t = ref.which === 'values' ? target.stepper.valueAt(n.id) : target.stepper.gradAt(n.id);
          if (!t) continue;
          const name = n.name ?? n.label;
          list.push(this.variable(name, t, ref.which === 'values' ? name : gradKey(name)));
        }
      } else {
        list = this.children(ref.tensor, ref.row, args.start, args.count);
      }
    }
    response.body = { variables: list };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    if (!this.target || !this.currentIndex()) {
      this.fail(response, this.t('Nothing is being debugged.'), false);
      return;
    }
    const r = evaluateExpression(args.expression, this.resolver());
    if ('error' in r) {
      this.fail(response, where(r.error), false);
      return;
    }
    const v = this.variable(args.expression, r.value);
    response.body = { result: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables };
    this.sendResponse(response);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.sendResponse(response);
    this.stepBy(1);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.sendResponse(response);
    this.stepBy(1);
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.sendResponse(response);
    this.stepBy(-1);
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.sendResponse(response);
    const s = this.target?.stepper;
    if (!s) return;
    this.runForward(s.cursor < s.forwardSteps ? s.forwardSteps : s.totalSteps);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    const s = this.target?.stepper;
    if (s) this.runForward(s.totalSteps);
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.sendResponse(response);
    this.runBackward();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    // Every request runs to its stop before the next one is read: there is nothing to interrupt.
    this.sendResponse(response);
    this.stopAt('pause');
  }

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const index = this.currentIndex();
    const targets: DebugProtocol.GotoTarget[] = [];
    if (index && this.target && this.isProgram(args.source)) {
      for (const step of this.entriesAt(this.convertClientLineToDebugger(args.line))) {
        const node = this.target.graph.nodes[index.stepNode[step]];
        const phase = step < this.target.stepper.forwardSteps ? 'forward' : 'backward';
        targets.push({ id: step + 1, label: `${phaseWord(phase, this.t)} · ${index.describe(node)}`, ...this.position(node.range) });
      }
    }
    response.body = { targets };
    this.sendResponse(response);
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    const s = this.target?.stepper;
    const step = args.targetId - 1;
    if (!s || !Number.isInteger(step) || step < 0 || step >= s.totalSteps) {
      this.fail(response, this.t('There is no such step to go to.'), false);
      return;
    }
    this.sendResponse(response);
    this.moveAndStop(step, 'goto');
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse): Promise<void> {
    const target = this.target;
    if (!target) {
      this.sendResponse(response);
      return;
    }
    try {
      if (target.reload) {
        await target.reload();
        this.index = undefined;
        for (const bp of this.breakpoints) this.verify(bp);
        for (const bp of this.breakpoints) this.sendEvent(new BreakpointEvent('changed', this.toProtocol(bp)));
      }
    } catch (e) {
      this.fail(response, e instanceof Error ? e.message : String(e));
      return;
    }
    this.sendResponse(response);
    this.moveAndStop(0, 'entry');
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.detach();
    this.sendResponse(response);
  }

  override dispose(): void {
    this.detach();
    super.dispose();
  }

  // ---- stepping -----------------------------------------------------------------------------

  private attach(target: DebugTarget): void {
    this.detach();
    this.target = target;
    this.index = undefined;
    this.targetEvents = target.onDidChange((what) => this.onTargetChange(what));
  }

  private detach(): void {
    this.targetEvents?.dispose();
    this.targetEvents = undefined;
    this.target?.dispose();
    this.target = undefined;
  }

  /** The panel moved the cursor or the file was edited: the debug views show the new state. */
  private onTargetChange(what: 'cursor' | 'graph'): void {
    if (what === 'graph') {
      this.index = undefined;
      for (const bp of this.breakpoints) {
        const before = JSON.stringify(this.toProtocol(bp));
        this.verify(bp);
        if (JSON.stringify(this.toProtocol(bp)) !== before) this.sendEvent(new BreakpointEvent('changed', this.toProtocol(bp)));
      }
    }
    if (this.started) this.stopAt('step', what === 'graph' ? this.t('the program changed') : this.t('moved in the stepper'));
  }

  private startIfReady(): void {
    if (!this.launched || !this.configured || this.started || !this.target) return;
    this.started = true;
    if (this.stopOnEntry) this.moveAndStop(0, 'entry');
    else this.runForward(this.target.stepper.totalSteps, true);
  }

  private currentIndex(): ProgramIndex | undefined {
    const t = this.target;
    if (!t) return undefined;
    if (!this.index || this.index.graph !== t.graph) this.index = new ProgramIndex(t.graph, t.stepper, t.source);
    return this.index;
  }

  private stepBy(delta: 1 | -1): void {
    const s = this.target?.stepper;
    if (!s) return;
    this.moveAndStop(Math.max(0, Math.min(s.totalSteps, s.cursor + delta)), 'step');
  }

  /**
   * Goes to `step` (computing the steps up to it) and stops there. A layer that throws stops the
   * cursor before its step, with the engine's message.
   */
  private moveAndStop(step: number, reason: StopReason, hit?: number[]): void {
    const target = this.target;
    if (!target) return;
    const failure = this.compute(step);
    if (failure) {
      target.moveTo(failure.step);
      this.stopAt('exception', failure.message);
      return;
    }
    target.moveTo(step);
    this.stopAt(reason, undefined, hit);
  }

  /** Computes every step before `step`; the first failing one, if any. */
  private compute(step: number): { step: number; message: string } | undefined {
    const target = this.target;
    if (!target) return undefined;
    try {
      target.peek(step, () => undefined);
      return undefined;
    } catch (e) {
      if (e instanceof StepError) return { step: e.step, message: e.message };
      return { step: target.stepper.cursor, message: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Forward to the first breakpoint after the cursor (or at it, when starting), else to `end`. */
  private runForward(end: number, includeCurrent = false): void {
    const target = this.target;
    const index = this.currentIndex();
    if (!target || !index) return;
    const from = target.stepper.cursor + (includeCurrent ? 0 : 1);
    for (let p = from; p < end; p++) {
      if (!index.entry[p]) continue;
      const candidates = this.breakpoints.filter((bp) => bp.verified && bp.line === index.stepLine[p]);
      if (candidates.length === 0) continue;
      const failure = this.compute(p);
      if (failure) {
        target.moveTo(failure.step);
        this.stopAt('exception', failure.message);
        return;
      }
      const hit = candidates.filter((bp) => this.hits(bp, p));
      if (hit.length > 0) {
        this.moveAndStop(p, 'breakpoint', hit.map((bp) => bp.id));
        return;
      }
    }
    this.moveAndStop(end, 'step');
  }

  /** Backward to the first breakpoint before the cursor, else to step 0. */
  private runBackward(): void {
    const target = this.target;
    const index = this.currentIndex();
    if (!target || !index) return;
    for (let p = Math.min(target.stepper.cursor, target.stepper.totalSteps) - 1; p > 0; p--) {
      if (!index.entry[p]) continue;
      const hit = this.breakpoints.filter((bp) => bp.verified && bp.line === index.stepLine[p] && this.hits(bp, p));
      if (hit.length > 0) {
        this.moveAndStop(p, 'breakpoint', hit.map((bp) => bp.id));
        return;
      }
    }
    const atZero = this.breakpoints.filter((bp) => bp.verified && index.entry.length > 0 && bp.line === index.stepLine[0] && this.hits(bp, 0));
    if (atZero.length > 0 && target.stepper.cursor > 0) this.moveAndStop(0, 'breakpoint', atZero.map((bp) => bp.id));
    else this.moveAndStop(0, 'entry');
  }

  /** Whether a breakpoint stops at position `p` (a step entering its line; steps before `p` computed). */
  private hits(bp: LineBreakpoint, p: number): boolean {
    if (!this.conditionHolds(bp, p)) return false;
    if (!bp.hitCondition) return true;
    const entries = this.currentIndex()?.entriesByLine.get(bp.line) ?? [];
    let count = 0;
    for (const q of entries) {
      if (q > p) break;
      if (q === p || this.conditionHolds(bp, q)) count++;
    }
    return bp.hitCondition(count);
  }

  /**
   * The condition at position `p`. A name not computed yet there makes it false (there is nothing
   * to compare yet); any other error stops there, with the message in the Debug Console.
   */
  private conditionHolds(bp: LineBreakpoint, p: number): boolean {
    const target = this.target;
    const condition = bp.condition;
    if (!condition || !target) return true;
    let missing = false;
    const resolve = this.resolver(() => {
      missing = true;
    });
    const r = target.peek(p, () => evaluateCondition(condition, resolve));
    if ('holds' in r) return r.holds;
    if (missing) return false;
    this.sendEvent(new OutputEvent(`${this.t('Breakpoint condition on line {0}: {1}', bp.line, where(r.error))}\n`, 'stderr'));
    return true;
  }

  private stopAt(reason: StopReason, description?: string, hit?: number[]): void {
    this.variables.reset();
    const event = new StoppedEvent(reason, THREAD_ID, reason === 'exception' ? description : undefined) as DebugProtocol.StoppedEvent;
    event.body.allThreadsStopped = true;
    if (description !== undefined) event.body.description = description;
    if (hit) event.body.hitBreakpointIds = hit;
    this.sendEvent(event);
  }

  // ---- breakpoints --------------------------------------------------------------------------

  /** The steps a breakpoint on `line` stops at. */
  private entriesAt(line: number): number[] {
    return this.currentIndex()?.entriesByLine.get(line) ?? [];
  }

  private verify(bp: LineBreakpoint): void {
    const index = this.currentIndex();
    if (bp.badHitCondition) {
      bp.verified = false;
      bp.message = bp.badHitCondition;
      return;
    }
    if (!index) {
      bp.verified = false;
      return;
    }
    if (this.entriesAt(bp.line).length === 0) {
      bp.verified = false;
      const leaf = index.leafByLine.get(bp.line);
      bp.message = leaf
        ? this.t("'{0}' is an input (a leaf): it has a value from the start and no step to stop at. Put the breakpoint on a line that computes something.", leaf.label)
        : this.t('No node runs on line {0}: a breakpoint goes on a line that computes a value, such as y = x * 2.', bp.line);
      return;
    }
    if (bp.condition !== undefined) {
      const problem = this.checkCondition(bp.condition);
      if (problem) {
        bp.verified = false;
        bp.message = this.t('The condition does not compile: {0}', problem);
        return;
      }
    }
    bp.verified = true;
    bp.message = undefined;
  }

  /**
   * Checks a condition before any stop: every name stands for ones of its node's shape, so
   * unknown names, syntax and shape errors show at once. (Division by a value that happens to be
   * zero here is not an error of the condition.)
   */
  private checkCondition(condition: string): string | undefined {
    const index = this.currentIndex();
    if (!index) return undefined;
    const r = evaluateCondition(condition, (name) => {
      const node = index.lookup(gradInner(name) ?? name);
      if (!node) return { error: this.unknownName(gradInner(name) ?? name) };
      return { value: Tensor.full(node.shape, 1) };
    });
    if ('holds' in r) return undefined;
    if (/gives (NaN|Infinity|-Infinity)/.test(r.error.message)) return undefined;
    return where(r.error);
  }

  private toProtocol(bp: LineBreakpoint): DebugProtocol.Breakpoint {
    const out: DebugProtocol.Breakpoint = { id: bp.id, verified: bp.verified, line: this.convertDebuggerLineToClient(bp.line) };
    if (this.breakpointSource) out.source = this.breakpointSource;
    if (bp.message) out.message = bp.message;
    return out;
  }

  /** A range's start in the client's numbering (VS Code counts from 1, as the language does). */
  private position(r: SourceRange): { line: number; column: number } {
    return { line: this.convertDebuggerLineToClient(r.start.line), column: this.convertDebuggerColumnToClient(r.start.column) };
  }

  private end(r: SourceRange): { endLine: number; endColumn: number } {
    return { endLine: this.convertDebuggerLineToClient(r.end.line), endColumn: this.convertDebuggerColumnToClient(r.end.column) };
  }

  private isProgram(source: DebugProtocol.Source | undefined): boolean {
    const path = source?.path;
    if (!path) return false;
    const norm = (p: string): string => p.replace(/\\/g, '/').replace(/^file:\/\//, '');
    return norm(path) === norm(this.programPath);
  }

  private source(): DebugProtocol.Source {
    const path = this.programPath;
    const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return { name: path.slice(slash + 1), path };
  }

  // ---- values -------------------------------------------------------------------------------

  /** Names → values at the cursor; `grad(x)` → x's gradient. `onMissing` hears of a value not computed yet. */
  private resolver(onMissing?: () => void): NameResolver {
    return (key) => {
      const target = this.target;
      const index = this.currentIndex();
      if (!target || !index) return undefined;
      const inner = gradInner(key);
      const node = index.lookup(inner ?? key);
      if (!node) return { error: this.unknownName(inner ?? key) };
      const s = target.stepper;
      if (inner !== undefined) {
        const g = s.gradAt(node.id);
        if (g) return { value: g };
        onMissing?.();
        return { error: this.t("'{0}' has no gradient yet at this step (gradients appear in the backward pass).", inner) };
      }
      const v = s.valueAt(node.id);
      if (v) return { value: v };
      onMissing?.();
      return { error: this.t("'{0}' is not computed yet: forward step {1} computes it.", key, s.stepOfNode(node.id, 'forward') + 1) };
    };
  }

  private unknownName(name: string): string {
    const names = this.currentIndex()?.named.map((n) => n.name ?? n.label) ?? [];
    const near = nearestName(name, names);
    return near ? this.t("There is no value named '{0}' in this program (did you mean '{1}'?).", name, near) : this.t("There is no value named '{0}' in this program.", name);
  }

  private variable(name: string, t: Tensor, evaluateName?: string): DebugProtocol.Variable {
    const v: DebugProtocol.Variable = { name, value: formatSummary(t), type: shapeLabel(t.shape), variablesReference: 0 };
    if (evaluateName !== undefined) v.evaluateName = evaluateName;
    if (t.shape.length > 0 && t.data.length > 0) {
      v.variablesReference = this.variables.create({ kind: 'tensor', tensor: t });
      v.indexedVariables = t.shape[0];
    }
    return v;
  }

  /** A matrix's rows, a row's or a vector's elements (paged with start/count). */
  private children(t: Tensor, row: number | undefined, start = 0, count = 0): DebugProtocol.Variable[] {
    const out: DebugProtocol.Variable[] = [];
    if (t.shape.length === 2 && row === undefined) {
      const [rows, cols] = t.shape;
      const end = count > 0 ? Math.min(rows, start + count) : rows;
      for (let i = start; i < end; i++) {
        const rowView = { shape: [cols], data: t.data.subarray(i * cols, (i + 1) * cols) };
        out.push({ name: `[${i}]`, value: formatSummary(rowView), type: shapeLabel([cols]), variablesReference: cols > 0 ? this.variables.create({ kind: 'tensor', tensor: t, row: i }) : 0, indexedVariables: cols });
      }
      return out;
    }
    const n = t.shape.length === 2 ? t.shape[1] : t.data.length;
    const offset = row === undefined ? 0 : row * n;
    const end = count > 0 ? Math.min(n, start + count) : n;
    for (let j = start; j < end; j++) out.push({ name: `[${j}]`, value: formatNumber(t.data[offset + j]), type: 'scalar', variablesReference: 0 });
    return out;
  }

  private fail(response: DebugProtocol.Response, message: string, showUser = true): void {
    this.sendErrorResponse(response, { id: 1, format: message, showUser });
  }
}

/** `grad(x)` → `x`; anything else → undefined. */
function gradInner(key: string): string | undefined {
  return key.startsWith('grad(') && key.endsWith(')') ? key.slice(5, -1) : undefined;
}
