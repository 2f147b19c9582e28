/**
 * `backprop trace SCRIPT.py [--json] [--python PATH] [--time-limit SECONDS]`: runs the script
 * under the Python tracer, rebuilds the graph of what ran, checks every node against the engine and
 * prints the script's numbers like `run` does (or one JSON object with --json).
 */
import { relative } from 'node:path';
import { TracerError, runTracer, type TracerOptions } from '../node/tracer';
import { buildTracedGraph, checkTrace, summarizeTrace, TraceBuildError, valueKeys, type TraceDocument } from '../trace';
import { Tensor } from '../engine/tensor';
import { table } from './commands';
import { formatScalar, formatTensor } from './format';
import type { COMMAND_ARGS, ParsedCommand } from './args';
import { CliError, type CliIo } from './io';
import { errorLine, warningLine } from './lines';

const AT_START = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** The script and the tracer's options from the parsed arguments (the schema is COMMAND_ARGS.trace). */
function traceArgs({ values, file }: ParsedCommand<(typeof COMMAND_ARGS)['trace']['options']>): { script: string; json: boolean; options: TracerOptions } {
  const options: TracerOptions = {};
  if (values.python !== undefined) options.python = values.python;
  if (values['time-limit'] !== undefined) {
    const s = Number(values['time-limit']);
    if (!Number.isFinite(s) || s <= 0 || s > 3600) throw new CliError(['backprop: error: --time-limit takes seconds, from 1 to 3600 (see backprop --help)']);
    options.timeLimitSeconds = s;
  }
  return { script: file, json: values.json === true, options };
}

/** The script's path as the user gave it when the trace names the same file, else relative to the cwd. */
function shown(file: string | null | undefined, script: string, doc?: TraceDocument): string {
  if (!file) return script;
  if (doc && file === doc.script) return script;
  const r = relative(process.cwd(), file);
  return r.startsWith('..') ? file : r;
}

export async function traceCommand(io: CliIo, args: ParsedCommand<(typeof COMMAND_ARGS)['trace']['options']>): Promise<void> {
  const { script, json, options } = traceArgs(args);
  if (!script.endsWith('.py')) throw new CliError([errorLine(script, undefined, 'trace takes a Python script (.py)')]);
  try {
    io.readFile(script);
  } catch {
    throw new CliError([errorLine(script, undefined, 'cannot read the file')]);
  }
  let run;
  try {
    run = await runTracer(script, options);
  } catch (e) {
    if (e instanceof TracerError) throw new CliError([errorLine(script, AT_START, e.message)]);
    throw e;
  }
  const { doc } = run;
  // The script's own output goes to stderr, so stdout stays exactly what was asked for.
  if (run.output) io.stderr(run.output.endsWith('\n') ? run.output : `${run.output}\n`);
  if (run.outputTruncated) io.stderr(`${warningLine(script, AT_START, "the script's output was cut short (too long)")}\n`);
  if (doc.error) {
    const e = doc.error;
    const where = e.file && e.line ? { start: { line: e.line, column: e.column ?? 1 }, end: { line: e.line, column: e.column ?? 1 } } : AT_START;
    throw new CliError([errorLine(shown(e.file, script, doc), where, `${e.type}: ${e.message}`)]);
  }
  if (doc.truncated) io.stderr(`${warningLine(script, AT_START, `the trace was cut short (${doc.truncated.reason}): ${doc.truncated.message}`)}\n`);
  let traced;
  try {
    traced = buildTracedGraph(doc);
  } catch (e) {
    if (e instanceof TraceBuildError) {
      const where = e.site ? { start: { line: e.site.line, column: e.site.column }, end: { line: e.site.line, column: e.site.column } } : AT_START;
      throw new CliError([errorLine(e.site ? shown(e.site.file, script, doc) : script, where, e.message)]);
    }
    throw e;
  }
  for (const w of traced.warnings) io.stderr(`${warningLine(script, AT_START, w)}\n`);
  const check = checkTrace(traced);
  const summary = summarizeTrace(traced, check, doc.calls);
  if (json) {
    const { warnings: _w, ...rest } = summary;
    io.stdout(`${JSON.stringify(rest)}\n`);
    return;
  }
  const keys = valueKeys(traced.graph.nodes);
  const { graph } = traced;
  const outKey = keys[graph.output];
  const lines: string[] = [];
  const kind = traced.source === 'micrograd' ? 'micrograd backward()' : `${doc.calls} recorded calls`;
  lines.push(`traced ${script}: ${kind} (Python ${doc.python ?? '?'}${doc.numpy ? `, numpy ${doc.numpy}` : ''})`);
  const out = Tensor.from(summary.values[outKey] ?? 0);
  lines.push(`output: ${outKey} = ${formatTensor(out, ' '.repeat(outKey.length + 11))}`, '');
  lines.push('layers (in the order the script ran them):');
  for (const n of graph.nodes) {
    const tr = traced.nodes[n.id];
    if (!tr) continue;
    const ins = n.inputs.map((i) => keys[i]).join(', ');
    const cls = tr.source === 'layer' ? tr.className : `'${tr.className}'`;
    const res = n.name !== undefined && keys[n.id] !== n.label ? ` → ${keys[n.id]}` : '';
    lines.push(`  ${n.label} = ${cls}(${ins})${res}  [${n.op === 'custom' ? 'custom' : n.op}, line ${tr.forward.line}]`);
  }
  lines.push('', "values (the script's):");
  lines.push(table(graph.nodes.filter((n) => n.op === 'leaf' || n.name !== undefined).map((n) => ({ name: keys[n.id], value: Tensor.from(summary.values[keys[n.id]]) }))), '');
  lines.push(`gradients ∂${outKey}/∂name (the script's):`);
  lines.push(table(graph.nodes.filter((n) => summary.grads[keys[n.id]] !== undefined && (n.op === 'leaf' || n.name !== undefined)).map((n) => ({ name: keys[n.id], value: Tensor.from(summary.grads[keys[n.id]]) }))));
  const labels = graph.nodes.filter((n) => n.constant && n.name !== undefined).map((n) => keys[n.id]);
  if (labels.length) lines.push(`  (no gradient for the labels: ${labels.join(', ')})`);
  lines.push('');
  if (check.mismatches.length === 0) lines.push(`check: every layer agrees with the engine's rules (${graph.nodes.filter((n) => n.op !== 'leaf').length} nodes, forward and backward)`);
  else {
    lines.push(`check: ${check.mismatches.length} mismatch${check.mismatches.length === 1 ? '' : 'es'} (in the order the script ran):`);
    for (const m of check.mismatches) lines.push(`  ${shown(m.site.file, script, doc)}:${m.site.line}:${m.site.column}: ${m.message.en}`, `      ${m.message.ko}`);
  }
  for (const u of check.unchecked) lines.push(`  not checked: ${graph.nodes[u.node].label}: ${u.reason}`);
  const off = check.leaves.filter((l) => !(l.maxAbsDiff <= 1e-7 * Math.max(1, ...(l.reference ? Array.from(l.reference.data, Math.abs) : [1]))));
  if (check.referenceError) lines.push(`  (the engine could not run the whole graph: ${check.referenceError})`);
  else if (off.length > 0) {
    lines.push('', "effect on the gradients (the script's against the engine's, same leaf values):");
    for (const l of off) lines.push(`  ${keys[l.id]}: max |difference| ${formatScalar(l.maxAbsDiff)} (relative ${formatScalar(Number(l.relError.toPrecision(3)))})`);
  }
  io.stdout(`${lines.join('\n')}\n`);
}
