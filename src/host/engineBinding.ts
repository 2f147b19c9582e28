/** The real engine and language behind the host's ports (the one place that wires them in). */
import { Stepper, opInfo } from '../engine';
import { compile } from '../language';
import type { EnginePort } from './ports';

export function createEngine(): EnginePort {
  return {
    compile(source, expand) {
      const r = compile(source, { expand });
      return r.graph ? { graph: r.graph, diagnostics: r.diagnostics } : { diagnostics: r.diagnostics };
    },
    createStepper: (graph) => new Stepper(graph),
    describeOp: (op) => opInfo(op),
  };
}
