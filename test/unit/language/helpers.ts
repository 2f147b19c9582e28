/** Shared helpers for the language tests (not a test file itself). */
import assert from 'node:assert/strict';
import type { Graph } from '../../../src/engine/graph';
import { compile, type CompileOptions, type Diagnostic } from '../../../src/language/index';

/** Compiles and asserts there are no errors (warnings are fine); returns the graph. */
export function compileOk(source: string, options?: CompileOptions): Graph {
  const r = compile(source, options);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`), []);
  assert.ok(r.graph, 'expected a graph');
  return r.graph;
}

/** The expression tree under a node: `add(a, mul(b, c))`; constant leaves show their value. */
export function tree(graph: Graph, id = graph.output, root = true): string {
  const n = graph.nodes[id];
  if (n.op === 'leaf') return n.name !== undefined && !root ? n.name : n.name !== undefined ? `${n.name}=${JSON.stringify(n.value?.toNested())}` : JSON.stringify(n.value?.toNested());
  if (!root && n.name !== undefined) return n.name;
  const args = n.inputs.map((i) => tree(graph, i, false));
  if (n.op === 'pow') args.push(`^${n.exponent}`);
  return `${n.op}(${args.join(', ')})`;
}

/** Diagnostics as `line:column message` strings. */
export function diagnosticsOf(source: string): Diagnostic[] {
  return compile(source).diagnostics;
}
