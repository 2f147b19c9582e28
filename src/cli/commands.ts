/** The `run`, `steps` and `gradcheck` commands. */
import { join } from 'node:path';
import type { Graph, GraphNode } from '../engine/graph';
import { writeNpy } from '../engine/io/npy';
import { formatNumber, opInfo } from '../engine/layers';
import { elementPosition, nonFiniteMessage, type NonFiniteReport } from '../engine/nonFinite';
import { backprop, gradientCheck, MAX_GRADCHECK_WORK } from '../engine/numgrad';
import { Stepper, StepError } from '../engine/stepper';
import { type NestedArray, Tensor } from '../engine/tensor';
import { outputKeys } from '../language/index';
import { formatScalar, formatTensor } from './format';
import { CliError, type CliIo, MAX_ERROR_LINES } from './io';
import { errorLine, warningLine } from './lines';
import type { LoadedProgram } from './source';

export interface CommandOptions {
  json: boolean;
  /** `run --save-grads DIR`: write every named node's gradient as DIR/KEY.npy. */
  saveGrads?: string;
}

/** A tensor as JSON: number / array / array of rows. NaN and ±Infinity become null (JSON has none). */
function toJson(t: Tensor): NestedArray {
  return t.toNested();
}

/** Turns an engine failure at a node into a CLI error at the node's source position. */
function engineFailure(p: LoadedProgram, e: unknown): CliError {
  if (e instanceof StepError) {
    const node = p.graph.nodes[e.nodeId];
    return new CliError([errorLine(p.file, node?.range, `while computing '${node?.label ?? '?'}': ${e.message}`)]);
  }
  const message = e instanceof Error ? e.message : String(e);
  return new CliError([errorLine(p.file, { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, `internal error: ${message}`)]);
}

/** An object to fill with user-given names as keys: no prototype, so every name is an own key. */
function jsonRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The shape of the tensor a report is about: the node's value, or the gradient of one of its inputs. */
function reportShape(graph: Graph, r: NonFiniteReport): GraphNode['shape'] {
  const node = graph.nodes[r.nodeId];
  return r.phase === 'backward' ? (graph.nodes[node.inputs[r.arg ?? 0]]?.shape ?? []) : node.shape;
}

/** `FILE:LINE:COL: warning: …` on stderr for every place a NaN/±Infinity first appeared. */
function warnNonFinite(io: CliIo, p: LoadedProgram, reports: readonly NonFiniteReport[]): void {
  if (reports.length === 0) return;
  const lines = reports.slice(0, MAX_ERROR_LINES).map((r) => warningLine(p.file, p.graph.nodes[r.nodeId].range, nonFiniteMessage(p.graph, r, { shape: reportShape(p.graph, r) })));
  if (reports.length > MAX_ERROR_LINES) lines.push(`${p.file}: warning: … and ${reports.length - MAX_ERROR_LINES} more non-finite values`);
  io.stderr(`${lines.join('\n')}\n`);
}

/** The reports as JSON (NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity"). */
function nonFiniteJson(p: LoadedProgram, reports: readonly NonFiniteReport[]): unknown[] {
  return reports.map((r) => {
    const node = p.graph.nodes[r.nodeId];
    const shape = reportShape(p.graph, r);
    const out: Record<string, unknown> = {
      node: node.label,
      phase: r.phase,
      step: r.step + 1,
      value: formatNumber(r.value),
      cause: r.cause,
      line: node.range.start.line,
      column: node.range.start.column,
      message: nonFiniteMessage(p.graph, r, { shape }),
    };
    if (r.phase === 'backward') out.input = p.graph.nodes[node.inputs[r.arg ?? 0]]?.label;
    if (shape.length > 0) out.element = elementPosition({ shape }, r.index);
    return out;
  });
}

function namedNodes(graph: Graph): GraphNode[] {
  return graph.nodes.filter((n) => n.name !== undefined);
}

/** Prints `name = value` lines with the names padded to one column, multi-line values aligned. */
export function table(rows: { name: string; value: Tensor }[]): string {
  const width = Math.max(0, ...rows.map((r) => r.name.length));
  return rows.map((r) => `  ${r.name.padEnd(width)} = ${formatTensor(r.value, ' '.repeat(width + 5))}`).join('\n');
}

export function runCommand(io: CliIo, p: LoadedProgram, options: CommandOptions): void {
  let result: ReturnType<typeof backprop>;
  try {
    result = backprop(p.graph);
  } catch (e) {
    throw engineFailure(p, e);
  }
  const output = p.graph.nodes[p.graph.output];
  const named = namedNodes(p.graph);
  const keys = outputKeys(p.graph);
  const keyOf = (n: GraphNode): string => keys.get(n.id) ?? n.label;
  /** A name that nothing downstream of the output depends on has gradient 0; labels get none. */
  const gradOf = (n: GraphNode): Tensor | undefined => (n.constant ? undefined : (result.grads[n.id] ?? Tensor.zeros(n.shape)));
  // Written before anything is printed, so a failure leaves stdout empty.
  const saved = options.saveGrads === undefined ? undefined : saveGradients(io, options.saveGrads, named.flatMap((n) => {
    const g = gradOf(n);
    return g ? [{ key: keyOf(n), grad: g }] : [];
  }));
  const reportSaved = (): void => {
    if (saved !== undefined) io.stderr(`${saved}\n`);
  };
  if (options.json) {
    // Null-prototype objects: a variable called `__proto__` is an ordinary key of the JSON.
    const values = jsonRecord<NestedArray>();
    const grads = jsonRecord<NestedArray>();
    for (const n of named) {
      values[keyOf(n)] = toJson(result.values[n.id]);
      const g = gradOf(n);
      if (g) grads[keyOf(n)] = toJson(g);
    }
    warnNonFinite(io, p, result.nonFinite);
    io.stdout(`${JSON.stringify({ output: keyOf(output), values, grads, nonFinite: nonFiniteJson(p, result.nonFinite) })}\n`);
    reportSaved();
    return;
  }
  warnNonFinite(io, p, result.nonFinite);
  const lines: string[] = [];
  lines.push(`output: ${output.label} = ${formatTensor(result.values[output.id], ' '.repeat(output.label.length + 11))}`, '');
  lines.push('values:');
  lines.push(table(named.map((n) => ({ name: n.label, value: result.values[n.id] }))), '');
  lines.push(`gradients ∂${output.label}/∂name:`);
  const withGrad = named.flatMap((n) => {
    const g = gradOf(n);
    return g ? [{ name: n.label, value: g }] : [];
  });
  lines.push(table(withGrad));
  const noGrad = named.filter((n) => n.constant).map((n) => n.label);
  if (noGrad.length > 0) lines.push(`  (no gradient for the labels: ${noGrad.join(', ')})`);
  io.stdout(`${lines.join('\n')}\n`);
  reportSaved();
}

/** Writes each gradient as DIR/KEY.npy (what np.load reads); a failure names the file. Returns the line to report. */
function saveGradients(io: CliIo, dir: string, grads: { key: string; grad: Tensor }[]): string {
  for (const { key, grad } of grads) {
    const path = join(dir, `${key}.npy`);
    try {
      io.writeBytes(path, writeNpy(grad));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new CliError([`${path}: error: cannot write the gradient of '${key}': ${why}`]);
    }
  }
  return `saved ${grads.length} gradient${grads.length === 1 ? '' : 's'} to ${dir}${grads.length > 0 ? `: ${grads.map((g) => `${g.key}.npy`).join(', ')}` : ''}`;
}

function describeNode(graph: Graph, node: GraphNode): string {
  const inputs = node.inputs.map((i) => graph.nodes[i].label).join(', ');
  const exponent = node.op === 'pow' && node.exponent !== undefined ? `, ${formatScalar(node.exponent)}` : '';
  return `${node.label} = ${node.op}(${inputs}${exponent})`;
}

/**
 * Numbers `steps --json` may print: about 25 bytes each, so ~125 MB of JSON. Counted from the
 * graph's shapes before anything runs (150 sums of one 1000×1000 matrix would be 300 million).
 */
export const MAX_STEPS_JSON_NUMBERS = 5_000_000;

/** How many numbers the full step trace holds: every forward step's inputs and output, every backward step's dout and gradients. */
export function stepsJsonNumbers(graph: Graph): number {
  let n = 0;
  const size = (id: number): number => graph.nodes[id].shape.reduce((a, b) => a * b, 1);
  for (const node of graph.nodes) {
    if (node.op === 'leaf') continue;
    const inputs = node.inputs.reduce((a, id) => a + size(id), 0);
    n += 2 * inputs + 2 * size(node.id);
  }
  return n;
}

export function stepsCommand(io: CliIo, p: LoadedProgram, options: CommandOptions): void {
  const { graph } = p;
  if (options.json) {
    const numbers = stepsJsonNumbers(graph);
    if (numbers > MAX_STEPS_JSON_NUMBERS) {
      const output = graph.nodes[graph.output];
      throw new CliError([
        errorLine(p.file, output.range, `the step trace would hold ${numbers.toLocaleString('en-US')} numbers (about ${Math.ceil((numbers * 25) / 1e6).toLocaleString('en-US')} MB of JSON), more than the limit of ${MAX_STEPS_JSON_NUMBERS.toLocaleString('en-US')}; use 'run --json' for the values and gradients, or 'steps' without --json (it summarises large tensors)`),
      ]);
    }
  }
  let stepper: Stepper;
  try {
    stepper = new Stepper(graph);
    stepper.runBackward();
  } catch (e) {
    throw engineFailure(p, e);
  }
  const total = stepper.totalSteps;
  const label = (id: number): string => graph.nodes[id].label;
  warnNonFinite(io, p, stepper.nonFinite());
  if (options.json) {
    // Written step by step: the trace is never one huge string.
    io.stdout(`{"output":${JSON.stringify(label(graph.output))},"forwardSteps":${stepper.forwardSteps},"totalSteps":${total},"nonFinite":${JSON.stringify(nonFiniteJson(p, stepper.nonFinite()))},"steps":[`);
    for (let i = 0; i < total; i++) {
      let step: unknown;
      const r = stepper.record(i);
      const node = graph.nodes[r.nodeId];
      if (r.phase === 'forward') {
        step = {
          step: i + 1,
          phase: 'forward',
          node: node.label,
          op: node.op,
          inputs: node.inputs.map((id, k) => ({ node: label(id), value: toJson(r.inputs[k]) })),
          output: toJson(r.output),
        };
      } else {
        step = {
          step: i + 1,
          phase: 'backward',
          node: node.label,
          op: node.op,
          dout: r.dout ? toJson(r.dout) : null,
          grads: node.inputs.map((id, k) => {
            const g = r.grads[k];
            return { node: label(id), grad: g ? toJson(g) : null };
          }),
        };
      }
      io.stdout(`${i > 0 ? ',' : ''}${JSON.stringify(step)}`);
    }
    io.stdout(']}\n');
    return;
  }
  const lines: string[] = [`${total} steps: ${stepper.forwardSteps} forward, ${total - stepper.forwardSteps} backward (output: ${label(graph.output)})`];
  const width = String(total).length;
  for (let i = 0; i < total; i++) {
    const r = stepper.record(i);
    const node = graph.nodes[r.nodeId];
    lines.push('', `step ${String(i + 1).padStart(width)}/${total}  ${r.phase.padEnd(8)}  ${describeNode(graph, node)}`);
    const rows: { tag: string; name: string; value: Tensor | null }[] = [];
    if (r.phase === 'forward') {
      node.inputs.forEach((id, k) => rows.push({ tag: k === 0 ? 'in' : '', name: label(id), value: r.inputs[k] }));
      rows.push({ tag: 'out', name: node.label, value: r.output });
    } else {
      // The local rule, as the panel shows it: what this node does to the gradient.
      lines.push(`  rule ${opInfo(node.op).formula}`);
      rows.push({ tag: 'dout', name: `∂${label(graph.output)}/∂${node.label}`, value: r.dout });
      node.inputs.forEach((id, k) => rows.push({ tag: k === 0 ? 'grad' : '', name: `∂${label(graph.output)}/∂${label(id)}`, value: r.grads[k] ?? null }));
    }
    const nameWidth = Math.max(...rows.map((row) => row.name.length));
    for (const row of rows) {
      const head = `  ${row.tag.padEnd(5)}${row.name.padEnd(nameWidth)} = `;
      const text = row.value ? formatTensor(row.value, ' '.repeat(head.length)) : row.tag === 'dout' ? '(nothing downstream: not on a path to the output)' : '(no gradient)';
      lines.push(head + text);
    }
    // Written step by step, so the output is never one huge string.
    io.stdout(`${lines.join('\n')}\n`);
    lines.length = 0;
  }
  if (lines.length > 0) io.stdout(`${lines.join('\n')}\n`);
}

/** "checked 25 of 1,000,000 elements of W (seeded sample)". */
export function sampledNote(l: { label: string; checked: number; total: number }): string {
  return `checked ${l.checked.toLocaleString('en-US')} of ${l.total.toLocaleString('en-US')} elements of ${l.label} (seeded sample)`;
}

function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

export function gradcheckCommand(io: CliIo, p: LoadedProgram, options: CommandOptions): void {
  let check: ReturnType<typeof gradientCheck>;
  try {
    check = gradientCheck(p.graph);
  } catch (e) {
    throw engineFailure(p, e);
  }
  if (options.json) {
    const leaves = jsonRecord<{ maxAbsDiff: number; meanAbsDiff: number; elements: number; checked: number; sampled: boolean }>();
    for (const l of check.leaves) leaves[l.label] = { maxAbsDiff: l.maxAbsDiff, meanAbsDiff: l.meanAbsDiff, elements: l.total, checked: l.checked, sampled: l.sampledIndices !== undefined };
    io.stdout(`${JSON.stringify({ leaves, numericalMs: check.numericalMs, backpropMs: check.backpropMs })}\n`);
    return;
  }
  const exp = (x: number): string => (Number.isNaN(x) ? 'nan' : x.toExponential(2).replace(/e([+-])(\d)$/, 'e$10$2'));
  const header = ['leaf', 'elements', 'checked', 'max |diff|', 'mean |diff|'];
  const rows = check.leaves.map((l) => [l.label, String(l.total), String(l.checked), exp(l.maxAbsDiff), exp(l.meanAbsDiff)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const fmtRow = (r: string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ');
  const lines = [`gradient check of ${p.graph.nodes[p.graph.output].label} (central difference, h = 1e-4)`, '', fmtRow(header), ...rows.map(fmtRow)];
  if (rows.length === 0) lines.push('(no leaf to check: every leaf is a constant)');
  const sampled = check.leaves.filter((l) => l.sampledIndices !== undefined);
  if (sampled.length > 0) lines.push('');
  for (const l of sampled) lines.push(`${sampledNote(l)}: checking every element would cost more than ${MAX_GRADCHECK_WORK.toLocaleString('en-US')} operations`);
  const r = check.backpropMs > 0 ? check.numericalMs / check.backpropMs : NaN;
  const ratio = !Number.isFinite(r) ? '' : r >= 1 ? ` — backprop is ${r.toFixed(1)}× faster` : ` — on a graph this small the numerical gradient is ${(1 / r).toFixed(1)}× faster`;
  lines.push('', `numerical gradient: ${formatMs(check.numericalMs)} ms, backprop: ${formatMs(check.backpropMs)} ms${ratio}`);
  io.stdout(`${lines.join('\n')}\n`);
}
