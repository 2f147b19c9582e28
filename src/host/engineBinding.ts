/** The real engine and language behind the host's ports (the one place that wires them in). */
import { Stepper, opInfo } from '../engine';
import { compile, fileReferences } from '../language';
import type { EnginePort } from './ports';

export function createEngine(): EnginePort {
  return {
    compile(source, expand, files) {
      const r = compile(source, files ? { expand, files } : { expand });
      return r.graph ? { graph: r.graph, diagnostics: r.diagnostics, identifiers: r.identifiers } : { diagnostics: r.diagnostics, identifiers: r.identifiers };
    },
    fileReferences,
    createStepper: (graph) => new Stepper(graph),
    describeOp: (op) => opInfo(op),
  };
}
