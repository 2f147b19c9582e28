/**
 * What the runner (bench/vscode/run.ts, Node) and the extension-host probe (hostProbe.ts) agree on.
 */

/** Files of the benchmark's workspace. */
export const BENCH_FILES = {
  /** generateLadder(2000) of ladder.ts: exactly 2,000 nodes, 3,000 steps. */
  big: 'ladder-2000.backprop',
  /** The book's fig. 5-17, copied from examples/. */
  small: 'buy-apple-orange.backprop',
  /** The full 784-50-10 net as "Open Trained Net as Graph" writes it (bench/mnistFixture.ts), loading MNIST_NPZ. */
  mnist: 'mnist-net.backprop',
} as const;

/** The archive the MNIST net loads, beside it. */
export const MNIST_NPZ = 'mnist-net.npz';

export interface ProbeMemory {
  /** Whether a full GC could be forced before each reading (heap figures are noisy without). */
  gcForced: boolean;
  nodeCount: number;
  totalSteps: number;
  heapBeforeMB: number;
  heapGraphOpenMB: number;
  heapTraceDoneMB: number;
  /** heapTraceDone − heapGraphOpen: what stepping through the whole graph keeps. */
  traceMB: number;
}

export interface ProbeResult {
  activationMs: number | null;
  /** Whether the extension had already activated (workspaceContains) before the probe asked. */
  extensionWasActive: boolean;
  memory: ProbeMemory | null;
  error: string | null;
}
