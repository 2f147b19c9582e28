/**
 * What a traced script computed, by the script's names: the values and gradients the CLI's
 * `trace --json` prints and the extension's API gives. The numbers are the script's own (replayed),
 * not the engine's.
 */
import type { GraphNode } from '../engine/graph';
import type { Stepper } from '../engine/stepper';
import type { NestedArray, Tensor } from '../engine/tensor';
import type { TracedGraph } from './build';
import { scriptGrad, type TraceCheck } from './check';
import { createTraceStepper } from './replay';

/** A value's key: the script's variable when no other node has it, else the node's unique label. */
export function valueKeys(nodes: readonly GraphNode[]): string[] {
  const count = new Map<string, number>();
  for (const n of nodes) if (n.name !== undefined) count.set(n.name, (count.get(n.name) ?? 0) + 1);
  return nodes.map((n) => (n.name !== undefined && count.get(n.name) === 1 ? n.name : n.label));
}

export interface TraceSummary {
  output: string;
  values: Record<string, NestedArray>;
  grads: Record<string, NestedArray>;
  mismatches: { node: string; phase: 'forward' | 'backward'; what: string; whatKo: string; got: NestedArray | null; expected: NestedArray | null; line: number; file: string }[];
  calls: number;
  /** Per non-constant leaf: how far the script's gradient is from the engine's on the same leaf values. */
  reference: Record<string, { maxAbsDiff: number; relError: number }>;
  warnings: string[];
}

/** The script's values and gradients by name, its mismatches in script order, and the effect on the leaves. */
export function summarizeTrace(traced: TracedGraph, check: TraceCheck, calls: number, stepper: Stepper = createTraceStepper(traced)): TraceSummary {
  stepper.runBackward();
  const keys = valueKeys(traced.graph.nodes);
  const values: Record<string, NestedArray> = {};
  const grads: Record<string, NestedArray> = {};
  const nested = (t: Tensor | null | undefined): NestedArray | null => (t ? t.toNested() : null);
  for (const n of traced.graph.nodes) {
    const v = stepper.valueAt(n.id);
    if (v) values[keys[n.id]] = v.toNested();
    if (n.constant) continue;
    const g = scriptGrad(traced, stepper, n.id);
    if (g) grads[keys[n.id]] = g.toNested();
  }
  const reference: TraceSummary['reference'] = {};
  for (const l of check.leaves) reference[keys[l.id]] = { maxAbsDiff: l.maxAbsDiff, relError: l.relError };
  return {
    output: keys[traced.graph.output],
    values,
    grads,
    mismatches: check.mismatches.map((m) => ({ node: m.label, phase: m.phase, what: m.message.en, whatKo: m.message.ko, got: nested(m.got), expected: nested(m.expected), line: m.site.line, file: m.site.file })),
    calls,
    reference,
    warnings: traced.warnings,
  };
}
