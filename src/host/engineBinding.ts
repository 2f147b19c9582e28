/** The real engine and language behind the host's ports (the one place that wires them in). */
import { Stepper, opInfo } from '../engine';
import { compile, fileReferences } from '../language';
import type { EnginePort } from './ports';

export function createEngine(): EnginePort {
  return {
    compile(source, expand, files) {
      const { graph, diagnostics, identifiers, statements } = compile(source, files ? { expand, files } : { expand });
      return graph ? { graph, diagnostics, identifiers, statements } : { diagnostics, identifiers, statements };
    },
    fileReferences,
    createStepper: (graph) => new Stepper(graph),
    describeOp: (op) => opInfo(op),
  };
}
