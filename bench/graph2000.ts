/**
 * A generated 2,000-node graph stepped the way the host does it (GraphSession over the real engine
 * and compiler): the time of one step including building the delta the host posts to the webview
 * (plus serialising it, which bounds the postMessage cost), and the memory of the whole trace.
 */
import { nowUs } from './stats';

export interface Graph2000Result {
  nodes: number;
  totalSteps: number;
  stepUs: { median: number; p90: number; p99: number; max: number; count: number };
  /** Bytes of one delta message as JSON (median). */
  deltaJsonBytes: number;
  compileMs: number;
  /** Heap used after stepping through every step minus before (after GC), MB. */
  traceMB: number | null;
}

/** A program whose compiled graph has exactly `target` nodes: 4-vectors through add, mul, relu, sigmoid, tanh. */
export function generateProgram(target: number): string {
  const lines = ['seed 1', 'w0 = [0.5, -0.25, 0.75, 1.0]', 'w1 = [0.1, 0.2, -0.3, 0.4]', 'v0 = [1.0, 2.0, -1.0, 0.5]'];
  let nodes = 3;
  let i = 1;
  const ops = [
    (a: string) => `${a} * w0`,
    (a: string) => `${a} + w1`,
    (a: string) => `relu(${a})`,
    (a: string) => `sigmoid(${a})`,
    (a: string) => `tanh(${a})`,
  ];
  // Each line is one op node (plus nothing else): w0, w1 are shared leaves.
  while (nodes < target - 1) {
    lines.push(`v${i} = ${ops[i % ops.length](`v${i - 1}`)}`);
    nodes++;
    i++;
  }
  lines.push(`out = sum(v${i - 1})`);
  return lines.join('\n') + '\n';
}

export async function benchGraph2000(gc: (() => void) | undefined): Promise<Graph2000Result> {
  const { GraphSession } = await import('../src/host/session');
  const { createEngine } = await import('../src/host/engineBinding');
  const source = generateProgram(2000);
  const session = new GraphSession('file:///bench/generated.backprop', 'generated.backprop', createEngine());
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const c0 = nowUs();
  const compiled = session.update(source);
  const compileMs = (nowUs() - c0) / 1000;
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !session.graph) throw new Error(`generated program did not compile: ${errors[0]?.message ?? 'no graph'}`);
  const total = session.totalSteps;
  const times: number[] = [];
  const sizes: number[] = [];
  for (let s = 0; s < total; s++) {
    const t0 = nowUs();
    const delta = session.goTo(s + 1);
    const message = JSON.stringify({ type: 'update', state: session.stepState(), ...delta });
    times.push(nowUs() - t0);
    sizes.push(message.length);
  }
  gc?.();
  const after = process.memoryUsage().heapUsed;
  const sorted = [...times].sort((a, b) => a - b);
  const pick = (p: number): number => sorted[Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
  const sortedSizes = [...sizes].sort((a, b) => a - b);
  // Keep the session alive until after the measurement.
  if (session.cursor !== total) throw new Error('did not reach the end');
  return {
    nodes: session.graph.nodes.length,
    totalSteps: total,
    stepUs: { median: pick(0.5), p90: pick(0.9), p99: pick(0.99), max: sorted[sorted.length - 1], count: times.length },
    deltaJsonBytes: sortedSizes[sortedSizes.length >> 1],
    compileMs,
    traceMB: gc ? (after - before) / 1048576 : null,
  };
}
