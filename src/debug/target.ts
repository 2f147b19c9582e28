/**
 * What the debug session steps: a compiled graph and a replay stepper behind one cursor. In the
 * extension host that cursor is the one the panel, the Nodes view and the editor show (the
 * target wraps the document's GraphSession); the standalone adapter owns its own stepper
 * (`createStandaloneTarget`). Pure: no `vscode`, no I/O.
 */
import type { Graph } from '../engine/graph';
import { Stepper } from '../engine/stepper';
import { errorLine } from '../cli/lines';
import { compile, type Diagnostic } from '../language/index';

/** The part of the engine's Stepper the debugger reads (its own type, not a copy). */
export type DebugStepper = Pick<Stepper, 'cursor' | 'totalSteps' | 'forwardSteps' | 'valueAt' | 'gradAt' | 'stepOfNode'>;

export interface Disposable {
  dispose(): void;
}

export interface DebugTarget {
  /** The source the graph was compiled from. */
  readonly source: string;
  readonly graph: Graph;
  readonly stepper: DebugStepper;
  /**
   * Moves the shared cursor to `step`, whose steps have all been computed already (the session
   * computes them first with `peek`), and tells every view.
   */
  moveTo(step: number): void;
  /**
   * Reads the state at another cursor without showing it: the stepper goes to `step` (computing
   * steps that were never run; a failing layer throws the engine's StepError), `read` runs, and the
   * cursor goes back. Nothing else sees the intermediate cursor.
   */
  peek<T>(step: number, read: () => T): T;
  /** Fires when something other than this session moved the cursor, or the graph was replaced. */
  onDidChange(listener: (what: 'cursor' | 'graph') => void): Disposable;
  /** Compiles the program again from its file (restart); undefined when it follows the editor anyway. */
  reload?(): Promise<void>;
  dispose(): void;
}

/** Launch failure: the message is shown to the user as it is (`FILE:L:C: error: …`). */
export class LaunchError extends Error {}

/** `FILE:L:C: error: MESSAGE` for the first error of a compile (the CLI's format). */
export function compileFailure(file: string, diagnostics: readonly Diagnostic[]): LaunchError {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length === 2 ? '' : 's'})` : '';
  return new LaunchError(first ? errorLine(file, first.range, first.message + more) : errorLine(file, undefined, 'the program did not compile'));
}

/** Compiles `source`; throws LaunchError with the first error. */
export function compileProgram(file: string, source: string, expand: boolean): Graph {
  const r = compile(source, { expand });
  if (!r.graph || r.diagnostics.some((d) => d.severity === 'error')) throw compileFailure(file, r.diagnostics);
  return r.graph;
}

/** A target with its own stepper, for the standalone adapter (`read` gets the file's text again on restart). */
export function createStandaloneTarget(file: string, source: string, expand: boolean, read: () => Promise<string>): DebugTarget {
  let text = source;
  let graph = compileProgram(file, source, expand);
  let stepper = new Stepper(graph);
  return {
    get source() {
      return text;
    },
    get graph() {
      return graph;
    },
    get stepper() {
      return stepper;
    },
    moveTo(step) {
      stepper.goTo(step);
    },
    peek(step, readAt) {
      const saved = stepper.cursor;
      try {
        stepper.goTo(step);
        return readAt();
      } finally {
        stepper.goTo(saved);
      }
    },
    // Nothing else moves this stepper.
    onDidChange: () => ({ dispose: () => undefined }),
    async reload() {
      const next = await read();
      const g = compileProgram(file, next, expand);
      text = next;
      graph = g;
      stepper = new Stepper(g);
    },
    dispose: () => undefined,
  };
}
