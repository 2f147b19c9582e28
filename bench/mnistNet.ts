/**
 * `npm run bench:mnist`: the full MNIST net as "Train Two-Layer Net" opens it (784-50-10, a batch
 * of 3 test images, everything loaded from an .npz at full precision), measured at the level of
 * the extension host's session, with the real engine and language:
 *
 * - open: unzip + parse the .npz and compile the program (`GraphSession.update`), then build the
 *   panel's first `graph` message (graphInfo + every value and gradient visible, serialized as
 *   postMessage would), i.e. the host's share of opening the net in the panel;
 * - one step: `goTo(cursor ± 1)` plus the deltas sent to the webview (`update` message, serialized),
 *   for every forward and backward step and stepping back;
 * - the size of the loaded graph: nodes, steps, elements of the values, bytes of the .npz and of the
 *   messages.
 * The end-to-end figure in a real VS Code (file opened → panel drawn; keybinding → webview updated)
 * is `npm run bench:vscode`, which has the same net as its third graph.
 *
 *   node --import tsx bench/mnistNet.ts [--runs N]
 */
import { createEngine } from '../src/host/engineBinding';
import { GraphSession } from '../src/host/session';
import { fileReferences } from '../src/language';
import { argNumber, fmt, median, percentile, table } from './stats';
import { mnistNetFiles } from './mnistFixture';

const RUNS = argNumber('--runs', 20);

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function main(): void {
  const { text, npz, npzName } = mnistNetFiles();
  if (fileReferences(text).map((r) => r.path).join() !== npzName) throw new Error('the program should load exactly the archive');
  const open: number[] = [];
  const compileOnly: number[] = [];
  const message: number[] = [];
  const steps: number[] = [];
  let info = { nodes: 0, steps: 0, elements: 0, graphMessageBytes: 0, largestUpdateBytes: 0 };
  for (let run = 0; run < RUNS; run++) {
    // A fresh copy of the bytes each run: the parse cache keys on the array object, as a re-read file would.
    const files = new Map([[npzName, { bytes: npz.slice() }]]);
    const session = new GraphSession('bench:mnist', 'mnist-net.backprop', createEngine());
    const t0 = process.hrtime.bigint();
    const r = session.update(text, true, files);
    const tc = ms(t0);
    if (!session.graph || r.diagnostics.some((d) => d.severity === 'error')) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    const t1 = process.hrtime.bigint();
    const graphMessage = JSON.stringify({ type: 'graph', graph: session.graphInfo(), state: session.stepState(), deltas: session.fullState() });
    const tm = ms(t1);
    open.push(tc + tm);
    compileOnly.push(tc);
    message.push(tm);
    let largest = 0;
    const stepOnce = (to: number): void => {
      const t = process.hrtime.bigint();
      const d = session.goTo(to);
      const bytes = JSON.stringify({ type: 'update', state: session.stepState(), deltas: d }).length;
      steps.push(ms(t));
      largest = Math.max(largest, bytes);
    };
    for (let c = 1; c <= session.totalSteps; c++) stepOnce(c);
    for (let c = session.totalSteps - 1; c >= 0; c--) stepOnce(c);
    const g = session.graph;
    info = {
      nodes: g.nodes.length,
      steps: session.totalSteps,
      elements: g.nodes.reduce((n, x) => n + x.shape.reduce((a, b) => a * b, 1), 0),
      graphMessageBytes: graphMessage.length,
      largestUpdateBytes: largest,
    };
  }
  // The first run includes JIT warm-up; it is reported apart.
  const warm = (xs: number[]): number[] => xs.slice(1);
  const row = (name: string, xs: number[]): string[] => [name, String(xs.length), fmt(median(xs), 2), fmt(percentile(xs, 90), 2), fmt(Math.max(...xs), 2)];
  process.stdout.write(`# The full MNIST net in the extension host (${RUNS} runs; the first, cold, run: open ${fmt(open[0], 1)} ms)\n\n`);
  process.stdout.write(
    `${table(['measure (ms)', 'n', 'median', 'p90', 'max'], [
      row('open: .npz + compile + stepper', warm(compileOnly)),
      row('open: first panel message (graph + values)', warm(message)),
      row('open: total (host side)', warm(open)),
      row('one step (goTo ±1 + update message)', steps.slice(2 * info.steps)),
    ])}\n\n`,
  );
  process.stdout.write(
    `graph: ${info.nodes} nodes, ${info.steps} steps, ${info.elements.toLocaleString('en-US')} elements (value shapes summed); ` +
      `.npz ${npz.length.toLocaleString('en-US')} bytes, program ${text.length} characters; ` +
      `first panel message ${(info.graphMessageBytes / 1e6).toFixed(2)} MB, largest step update ${(info.largestUpdateBytes / 1e3).toFixed(1)} kB\n`,
  );
}

main();
