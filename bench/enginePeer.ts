/**
 * The engine as a peer process, for `npm run bench`: the same TwoLayerNet work as the in-process
 * engine rows, run by another Node — the extension host's runtime (the Node 24 that
 * scripts/setup-vscode.sh installs, which has relaxed SIMD, so the FMA kernels) — and driven turn
 * by turn over stdin/stdout, one JSON line each way, like numpy_peer.py.
 * Commands: {"cmd":"info"}, {"cmd":"step","backend":B,"reps":R}, {"cmd":"profile","backend":B,"steps":S},
 * {"cmd":"ceiling"} (bench/simdCeiling.ts), {"cmd":"train","iters":N}, {"cmd":"quit"}.
 */
import { createInterface } from 'node:readline';
import { TwoLayerNet } from '../src/engine/net/twoLayerNet';
import { bestWasmFlavor, type KernelBackendChoice } from '../src/engine/kernels/index';
import { profileTwoLayerNetStep } from './kernelProfile';
import { measureSimdCeiling } from './simdCeiling';
import { timeSteps } from './stats';
import { syntheticMnist } from './synthetic';
import { trainSynthetic } from './trainSynthetic';

const I = 784, H = 50, O = 10, N = 100;
const data = syntheticMnist(N, 1);
const x = Float64Array.from(data.x);
const labels = Array.from(data.labels);
const nets = new Map<string, TwoLayerNet>();

function net(backend: KernelBackendChoice): TwoLayerNet {
  let n = nets.get(backend);
  if (!n) {
    n = new TwoLayerNet(I, H, O, { seed: 0, maxBatch: N, backend });
    n.inputView().set(x);
    nets.set(backend, n);
  }
  return n;
}

async function handle(cmd: { cmd: string; backend?: KernelBackendChoice; reps?: number; steps?: number; iters?: number }): Promise<unknown> {
  switch (cmd.cmd) {
    case 'info': {
      const n = net('auto');
      return { node: process.version, v8: process.versions.v8, flavor: bestWasmFlavor(), backend: n.backend, loss: n.gradient(n.inputView(), labels, N) };
    }
    case 'step': {
      const n = net(cmd.backend ?? 'auto');
      const input = n.inputView();
      const cpu0 = process.cpuUsage();
      const us = timeSteps(cmd.reps ?? 1, () => n.gradient(input, labels, N));
      const cpu = process.cpuUsage(cpu0);
      return { us, cpuUsPerStep: (cpu.user + cpu.system) / (cmd.reps ?? 1), backend: n.backend };
    }
    case 'profile':
      return profileTwoLayerNetStep(cmd.backend ?? 'auto', x, labels, cmd.steps ?? 200);
    case 'ceiling':
      return measureSimdCeiling();
    case 'train':
      return trainSynthetic(cmd.iters ?? 10000);
    default:
      return { error: `unknown command ${cmd.cmd}` };
  }
}

const lines = createInterface({ input: process.stdin });
// One command at a time, in order (the driver awaits each answer before sending the next).
let queue: Promise<void> = Promise.resolve();
lines.on('line', (line) => {
  const cmd = JSON.parse(line) as { cmd: string };
  if (cmd.cmd === 'quit') {
    lines.close();
    process.stdin.destroy(); // else the open pipe keeps this process alive
    return;
  }
  queue = queue.then(async () => {
    let out: unknown;
    try {
      out = await handle(cmd);
    } catch (e) {
      out = { error: e instanceof Error ? e.message : String(e) };
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  });
});

