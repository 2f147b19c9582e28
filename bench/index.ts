/**
 * `npm run bench`: the engine against its peers, in one process, interleaved turns.
 *
 *   1. two-layer-net step (784-50-10, batch 100, forward + backward): engine on this Node (its best
 *      wasm kernels, and the TypeScript reference as an extra row), the engine on the extension
 *      host's runtime (the Node 24 of scripts/setup-vscode.sh, child process: FMA and plain SIMD
 *      kernels), TensorFlow.js cpu and wasm, numpy (child process) — all driven turn by turn,
 *      interleaved; medians and ratios engine/peer; then a per-kernel profile of the step;
 *   2. the book's gradient check (784-50-10, batch 3, 39,760 parameters): numerical vs backprop;
 *   3. 10,000 training iterations (batch 100, lr 0.1) on MNIST-shaped synthetic data (this Node,
 *      the extension host's Node, numpy);
 *   4. bundle sizes and activation time;
 *   5. a generated 2,000-node graph: step + delta time and trace memory.
 * Writes bench/results.json. `--quick` runs fewer turns (for trying things out, not for reports);
 * `--step-only` runs section 1 alone (full turns), to repeat the step comparison several times.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { TwoLayerNet } from '../src/engine/net/twoLayerNet';
import { wasmKernelsAvailable } from '../src/engine/kernels/index';
import { NODE24 } from '../test/vscode/tools';
import { measureBundles } from './bundle';
import { benchGraph2000, type Graph2000Result } from './graph2000';
import { profileTwoLayerNetStep, type KernelProfile } from './kernelProfile';
import { measureSimdCeiling, type SimdCeiling } from './simdCeiling';
import { EnginePeer, NumpyPeer, type EngineInfo, type LinePeer, type NumpyInfo } from './numpyPeer';
import { fmt, interleave, median, nowUs, table, timeSteps, type Contender } from './stats';
import { syntheticMnist } from './synthetic';
import { trainSynthetic, type TrainResult } from './trainSynthetic';
import { initTfjs, tfjsContender } from './tfjsPeer';

const quick = process.argv.includes('--quick');
/** `--step-only`: just section 1 (the step table and its per-kernel profile), e.g. to repeat it several times. */
const stepOnly = process.argv.includes('--step-only');
const root = join(__dirname, '..');
const I = 784, H = 50, O = 10, N = 100;
const gc = (globalThis as { gc?: () => void }).gc;

function log(s = ''): void {
  process.stdout.write(s + '\n');
}

function ratio(a: number | null, b: number | null): string {
  return a !== null && b !== null && b > 0 ? (a / b).toFixed(3) : '—';
}

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

/** The product's own training loop on Fashion-MNIST (Debian's dataset-fashion-mnist), through the CLI bundle. */
function fashionMnistViaCli(iters: number): { ms: number; trainAcc: number; testAcc: number; iters: number; wallMs: number } | { skipped: string } {
  const cli = join(root, 'dist/cli.js');
  if (!existsSync(cli)) return { skipped: 'dist/cli.js not built' };
  if (!existsSync(join(FASHION_DIR, 'train-images-idx3-ubyte.gz')) && !existsSync(join(FASHION_DIR, 'train-images-idx3-ubyte'))) {
    return { skipped: `no Fashion-MNIST in ${FASHION_DIR} (apt-get install dataset-fashion-mnist)` };
  }
  try {
    const t0 = nowUs();
    const out = execFileSync(process.execPath, [cli, 'train', '--data', FASHION_DIR, '--iters', String(iters), '--seed', '0', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const wallMs = (nowUs() - t0) / 1000;
    const last = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { ms?: number; trainAcc?: number; testAcc?: number; iters?: number };
    if (typeof last.ms !== 'number' || typeof last.testAcc !== 'number' || typeof last.trainAcc !== 'number') return { skipped: 'the CLI did not print the final JSON line' };
    return { ms: last.ms, trainAcc: last.trainAcc, testAcc: last.testAcc, iters: last.iters ?? iters, wallMs };
  } catch (e) {
    return { skipped: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

/** The book's 784-50-10 check through the language and the generic engine, as the extension runs it on a file. */
async function genericGradientCheck(): Promise<{ numericalMs: number; backpropMs: number; maxAbsDiff: number; elements: number } | { skipped: string }> {
  try {
    const { compile } = await import('../src/language');
    const { gradientCheck } = await import('../src/engine');
    const source = [
      'seed 0',
      'x = randn(3, 784)',
      't = [[1,0,0,0,0,0,0,0,0,0],[0,1,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,1]]',
      'W1 = 0.01 * randn(784, 50)', 'b1 = zeros(50)', 'W2 = 0.01 * randn(50, 10)', 'b2 = zeros(10)',
      'a1 = affine(x, W1, b1)', 'z1 = relu(a1)', 'a2 = affine(z1, W2, b2)', 'loss = softmax_with_loss(a2, t)',
    ].join('\n');
    const compiled = compile(source);
    if (!compiled.graph) return { skipped: `did not compile: ${compiled.diagnostics[0]?.message ?? '?'}` };
    gradientCheck(compile(source.replace('randn(3, 784)', 'randn(3, 4)').replace('randn(784, 50)', 'randn(4, 50)')).graph ?? compiled.graph); // warm-up
    const r = gradientCheck(compiled.graph);
    if (!r.completed) return { skipped: 'did not complete' };
    return {
      numericalMs: r.numericalMs, backpropMs: r.backpropMs,
      maxAbsDiff: Math.max(...r.leaves.map((l) => l.maxAbsDiff)), elements: r.leaves.reduce((n, l) => n + l.numerical.size, 0),
    };
  } catch (e) {
    return { skipped: e instanceof Error ? e.message : String(e) };
  }
}

async function main(): Promise<void> {
  const started = nowUs();
  const results: Record<string, unknown> = {};
  const cpu = cpus()[0]?.model ?? 'unknown';
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  results.machine = { cpu, cores: cpus().length, node: process.version, date: new Date().toISOString(), loadAverageAtStart: load };
  log(`Backprop Stepper bench — ${cpu}, ${cpus().length} cores, Node ${process.version}, load average ${load}${quick ? ' (QUICK: not for reports)' : ''}`);
  if (!wasmKernelsAvailable()) log('WARNING: WebAssembly SIMD unavailable — the engine runs on the TypeScript path.');

  const numpy = NumpyPeer.start(__dirname);
  let numpyInfo: NumpyInfo | null = null;
  if (numpy.peer) {
    numpyInfo = await numpy.peer.request<NumpyInfo>({ cmd: 'info' });
    log(`numpy ${numpyInfo.numpy} (python ${numpyInfo.python}, BLAS ${numpyInfo.blas ?? '?'}, threads=${numpyInfo.threads})`);
  } else {
    log(`numpy: not available (${numpy.reason}) — its rows are null`);
  }
  // The extension host's runtime: the Node that the real-VS-Code harness installs (test/vscode/tools.ts).
  const extHost = EnginePeer.start(NODE24, root);
  let extInfo: EngineInfo | null = null;
  if (extHost.peer) {
    extInfo = await extHost.peer.request<EngineInfo>({ cmd: 'info' });
    log(`extension host's runtime: Node ${extInfo.node} (V8 ${extInfo.v8}), engine kernels ${extInfo.backend} — ${NODE24}`);
  } else {
    log(`extension host's runtime: not available (${extHost.reason}) — its rows are null`);
  }

  try {
    // ---- 1. two-layer-net step ------------------------------------------------------------
    const data = syntheticMnist(N, 1);
    const x = Float64Array.from(data.x);
    const labels = Array.from(data.labels);
    const wasmNet = new TwoLayerNet(I, H, O, { seed: 0, maxBatch: N, backend: 'wasm' });
    const tsNet = new TwoLayerNet(I, H, O, { seed: 0, maxBatch: N, backend: 'typescript' });
    // Inputs resident in each net's own buffer, as the tfjs tensors and the numpy array are.
    wasmNet.inputView().set(x);
    tsNet.inputView().set(x);
    const wasmIn = wasmNet.inputView(), tsIn = tsNet.inputView();
    const lw = wasmNet.gradient(wasmIn, labels, N), lt = tsNet.gradient(tsIn, labels, N);
    if (!(Math.abs(lw - lt) <= 1e-12 * Math.abs(lt))) throw new Error(`wasm and TypeScript paths disagree on the loss: ${lw} vs ${lt}`);
    if (extInfo && !(Math.abs(extInfo.loss - lt) <= 1e-12 * Math.abs(lt))) throw new Error(`the engine on Node ${extInfo.node} disagrees on the loss: ${extInfo.loss} vs ${lt}`);
    const tf = await initTfjs();
    log(`TensorFlow.js ${tf.version} (wasm backend: SIMD ${tf.wasmSimd ? 'on' : 'off'}, threads ${tf.wasmThreads ? 'on' : 'off'})`);
    const here = `Node ${process.version}`;
    const names = {
      engine: `engine, ${here} (${wasmNet.backend}, float64)`,
      ts: `engine, ${here} (TypeScript reference, float64)`,
      copy: `engine, ${here} (${wasmNet.backend}), x copied in each step`,
      extFma: `engine, ext-host Node ${extInfo?.node ?? '?'} (${extInfo?.backend ?? '?'}, float64)`,
      extSimd: `engine, ext-host Node ${extInfo?.node ?? '?'} (wasm-simd, float64)`,
      tfCpu: 'TensorFlow.js cpu (float32)',
      tfWasm: 'TensorFlow.js wasm (float32)',
      numpy: `numpy ${numpyInfo?.numpy ?? ''} + ${numpyInfo?.blas ?? 'BLAS'}, 1 thread (float64)`,
    };
    /** A contender whose steps run (and are timed) in a peer process. */
    const remote = (name: string, peer: LinePeer, cmd: Record<string, unknown>): Contender => {
      let cpu: number | undefined;
      return {
        name,
        run: async (r) => {
          const got = await peer.request<{ us: number[]; cpuUsPerStep: number }>({ ...cmd, reps: r });
          cpu = got.cpuUsPerStep;
          return got.us;
        },
        lastCpuUsPerStep: () => cpu,
      };
    };
    const contenders: Contender[] = [
      { name: names.engine, run: (r) => timeSteps(r, () => wasmNet.gradient(wasmIn, labels, N)) },
      ...(extHost.peer ? [remote(names.extFma, extHost.peer, { cmd: 'step', backend: 'auto' })] : []),
      ...(extHost.peer && extInfo?.backend !== 'wasm-simd' ? [remote(names.extSimd, extHost.peer, { cmd: 'step', backend: 'wasm-simd' })] : []),
      { name: names.ts, run: (r) => timeSteps(r, () => tsNet.gradient(tsIn, labels, N)) },
      { name: names.copy, run: (r) => timeSteps(r, () => wasmNet.gradient(x, labels, N)) },
      await tfjsContender('cpu', names.tfCpu, x, labels, [I, H, O]),
      await tfjsContender('wasm', names.tfWasm, x, labels, [I, H, O]),
    ];
    const np = numpy.peer;
    if (np) contenders.push(remote(names.numpy, np, { cmd: 'step' }));
    // Warm-up: JIT tiers, caches, tfjs kernels.
    await interleave(contenders, quick ? 2 : 4, 10);
    const rounds = quick ? 6 : 30, reps = 5;
    const { wall: samples, cpu: cpuSamples } = await interleave(contenders, rounds, reps);
    const med = new Map([...samples].map(([k, v]) => [k, median(v)]));
    const cpuMed = new Map([...cpuSamples].map(([k, v]) => [k, median(v)]));
    const engineCpuUs = cpuMed.get(names.engine) ?? null;
    const engineUs = med.get(names.engine) ?? null;
    const get = (name: string): number | null => med.get(name) ?? null;
    const [tsUs, copyUs, cpuUs, tfWasmUs, numpyUs] = [get(names.ts), get(names.copy), get(names.tfCpu), get(names.tfWasm), get(names.numpy)];
    const extUs = get(names.extFma), extCpuUs = cpuMed.get(names.extFma) ?? null;
    const numpyCpuUs = cpuMed.get(names.numpy) ?? null;
    log('');
    log(`## Two-layer-net step: 784-50-10, batch 100, forward + backward (loss and the 4 parameter gradients)`);
    log(`${rounds} interleaved rounds × ${reps} steps = ${rounds * reps} timed steps per row (after ${quick ? 2 : 4}×10 warm-up); medians`);
    log(table(
      ['implementation', 'median µs', 'p10 µs', 'p90 µs', 'engine / this', 'CPU µs/step', 'engine / this (CPU)'],
      contenders.map((c) => {
        const s = samples.get(c.name) ?? [];
        const sorted = [...s].sort((a, b) => a - b);
        return [
          c.name, fmt(med.get(c.name)), fmt(sorted[Math.floor(0.1 * (sorted.length - 1))]), fmt(sorted[Math.floor(0.9 * (sorted.length - 1))]),
          ratio(engineUs, med.get(c.name) ?? null), fmt(cpuMed.get(c.name)), ratio(engineCpuUs, cpuMed.get(c.name) ?? null),
        ];
      }),
    ));
    log('(median µs: wall clock per step; CPU µs/step: process CPU time per turn ÷ steps, median over turns — insensitive to time spent descheduled on a busy machine)');
    const flops = 2 * N * H * I * 2 + 2 * N * O * H * 3; // x·W1, xᵀ·dA1; three products in layer 2
    log(`engine: ${fmt(flops / 1e6, 2)} MFLOP per step (no dx for the first layer, like tf.variableGrads) → ${fmt(engineUs ? flops / engineUs / 1e3 : null, 1)} GFLOP/s`);
    log(`targets (issue 6): engine/tfjs-wasm ≤ 0.5 → ${ratio(engineUs, tfWasmUs)}; engine/tfjs-cpu ≤ 0.15 → ${ratio(engineUs, cpuUs)}`);
    log(`engine / numpy (1 thread), same run: ${here} (${wasmNet.backend}) ${ratio(engineUs, numpyUs)} (CPU ${ratio(engineCpuUs, numpyCpuUs)}); ` +
      `extension host's Node ${extInfo?.node ?? '—'} (${extInfo?.backend ?? '—'}) ${ratio(extUs, numpyUs)} (CPU ${ratio(extCpuUs, numpyCpuUs)}) — issue 16 target ≤ 1.2 on the extension host's runtime`);

    // The 128-bit ceiling, same run: no WebAssembly kernel issues float64 arithmetic faster than
    // this (numpy's OpenBLAS has 256/512-bit vectors), so engine / numpy cannot go below this ratio.
    const ceilings: { name: string; ceiling: SimdCeiling }[] = [{ name: here, ceiling: await measureSimdCeiling() }];
    if (extHost.peer) ceilings.push({ name: `extension host's Node ${extInfo?.node ?? ''}`, ceiling: await extHost.peer.request<SimdCeiling>({ cmd: 'ceiling' }) });
    // Against numpy's p10 step: both are least-disturbed figures (a busy machine inflates medians).
    const numpySorted = [...(samples.get(names.numpy) ?? [])].sort((a, b) => a - b);
    const numpyP10 = numpySorted.length ? numpySorted[Math.floor(0.1 * (numpySorted.length - 1))] : null;
    for (const { name, ceiling: c } of ceilings) {
      const boundUs = flops / c.gflops / 1e3;
      log(`128-bit ceiling, ${name}: ${c.chains} independent f64x2 ${c.fused ? 'fused multiply-add' : 'multiply + add'} chains with no memory access, ` +
        `${fmt(c.gflops, 1)} GFLOP/s (best of 15) → the step's ${fmt(flops / 1e6, 2)} MFLOP take ≥ ${fmt(boundUs)} µs = ${ratio(boundUs, numpyP10)} × numpy's p10 step`);
    }

    // Where the time goes: each kernel call of the step, timed on its own (not interleaved).
    const profileSteps = quick ? 100 : 400;
    const profiles: { name: string; p: KernelProfile }[] = [{ name: `${here} ${wasmNet.backend}`, p: profileTwoLayerNetStep('wasm', x, labels, profileSteps) }];
    if (extHost.peer) {
      const p = await extHost.peer.request<KernelProfile>({ cmd: 'profile', backend: 'auto', steps: profileSteps });
      profiles.push({ name: `ext-host ${extInfo?.node ?? ''} ${p.backend}`, p });
    }
    const npProfile = np ? await np.request<{ rows: { label: string; medianUs: number }[]; stepUs: number }>({ cmd: 'profile', steps: profileSteps }) : null;
    log('');
    log(`### Per-kernel time of one step (median µs over ${profileSteps} steps per call site; each call timed alone, so the sum exceeds a bare step a little)`);
    log(table(
      ['kernel call (m×n×k; N/T = operand transposed)', ...profiles.map((p) => `${p.name} µs`)],
      [
        ...profiles[0].p.rows.map((r, i) => [r.label, ...profiles.map((p) => fmt(p.p.rows[i]?.medianUs, 1))]),
        ['sum of the calls', ...profiles.map((p) => fmt(p.p.rows.reduce((t, r) => t + r.medianUs, 0), 1))],
        ['whole step (instrumented)', ...profiles.map((p) => fmt(p.p.stepUs, 1))],
      ],
    ));
    if (npProfile) {
      log(`numpy, the same step statement by statement (median µs): ${npProfile.rows.map((r) => `${r.label} ${fmt(r.medianUs, 1)}`).join('; ')}; whole step ${fmt(npProfile.stepUs, 1)}`);
    }
    results.twoLayerNet = {
      engineUs, tfjsWasmUs: tfWasmUs, tfjsCpuUs: cpuUs, numpyUs, engineTypeScriptUs: tsUs, engineWithInputCopyUs: copyUs,
      extensionHostRuntime: extInfo, extensionHostEngineUs: extUs, extensionHostEngineCpuUs: extCpuUs,
      engineOverNumpy: { [here]: { wall: engineUs && numpyUs ? engineUs / numpyUs : null, cpu: engineCpuUs && numpyCpuUs ? engineCpuUs / numpyCpuUs : null },
        extensionHost: { wall: extUs && numpyUs ? extUs / numpyUs : null, cpu: extCpuUs && numpyCpuUs ? extCpuUs / numpyCpuUs : null } },
      kernelProfile: { engine: profiles, numpy: npProfile }, simdCeiling: ceilings,
      runsPerRow: rounds * reps, rounds, stepsPerTurn: reps,
      cpuUsPerStep: Object.fromEntries(contenders.map((c) => [c.name, cpuMed.get(c.name) ?? null])),
      wallMedianUs: Object.fromEntries(contenders.map((c) => [c.name, med.get(c.name) ?? null])),
      ratios: { engineOverTfjsWasm: engineUs && tfWasmUs ? engineUs / tfWasmUs : null, engineOverTfjsCpu: engineUs && cpuUs ? engineUs / cpuUs : null, engineOverNumpy: engineUs && numpyUs ? engineUs / numpyUs : null },
      tfjs: tf, numpy: numpyInfo,
    };

    if (stepOnly) return;

    // ---- 2. gradient check ------------------------------------------------------------------
    log('');
    log('## Gradient check (the book\'s): 784-50-10, batch 3 → 39,760 parameters, central difference h = 1e-4');
    const g = syntheticMnist(3, 2);
    const gx = Float64Array.from(g.x), gt = Array.from(g.labels);
    const gnet = new TwoLayerNet(I, H, O, { seed: 0, maxBatch: 3 });
    for (let i = 0; i < 50; i++) gnet.gradient(gx, gt, 3);
    // Backprop: median over 50 batches of 10 calls (robust to the odd descheduling).
    const backpropMs = median(Array.from({ length: 50 }, () => {
      const b0 = nowUs();
      for (let i = 0; i < 10; i++) gnet.gradient(gx, gt, 3);
      return (nowUs() - b0) / 1000 / 10;
    }));
    const n0 = nowUs();
    const nCpu0 = process.cpuUsage();
    const num = gnet.numericalGradient(gx, gt, 3, 1e-4);
    const numericalMs = (nowUs() - n0) / 1000;
    const nCpu = process.cpuUsage(nCpu0);
    const numericalCpuMs = (nCpu.user + nCpu.system) / 1000;
    let maxAbsDiff = 0;
    for (const key of ['W1', 'b1', 'W2', 'b2'] as const) {
      for (let i = 0; i < num[key].length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(num[key][i] - gnet.grads[key][i]));
    }
    // The generic engine (layers over the compiled graph) is what "Backprop: Gradient Check" runs on a file.
    const generic = await genericGradientCheck();
    const npCheck = np ? await np.request<{ numericalMs: number; numericalCpuMs: number; backpropMs: number; maxAbsDiff: number; params: number }>({ cmd: 'gradcheck' }) : null;
    log(table(
      ['implementation', 'numerical ms', 'backprop ms', 'numerical/backprop', 'max |diff|'],
      [
        ['engine TwoLayerNet (wasm SIMD)', fmt(numericalMs, 0), fmt(backpropMs, 4), fmt(numericalMs / backpropMs, 0), maxAbsDiff.toExponential(2)],
        ...('skipped' in generic
          ? []
          : [[`engine generic graph, as the Gradient Check command (${generic.elements} elements incl. x)`, fmt(generic.numericalMs, 0), fmt(generic.backpropMs, 2), fmt(generic.numericalMs / generic.backpropMs, 0), generic.maxAbsDiff.toExponential(2)]]),
        ...(npCheck ? [[`numpy (${npCheck.params} params)`, fmt(npCheck.numericalMs, 0), fmt(npCheck.backpropMs, 4), fmt(npCheck.numericalMs / npCheck.backpropMs, 0), npCheck.maxAbsDiff.toExponential(2)]] : []),
      ],
    ));
    log(`engine TwoLayerNet numerical gradient CPU time: ${fmt(numericalCpuMs)} ms${npCheck ? `; numpy: ${fmt(npCheck.numericalCpuMs)} ms` : ''}`);
    if (npCheck) log(`engine/numpy: numerical ${ratio(numericalMs, npCheck.numericalMs)} (CPU time ${ratio(numericalCpuMs, npCheck.numericalCpuMs)}), backprop ${ratio(backpropMs, npCheck.backpropMs)}`);
    if ('skipped' in generic) log(`generic-graph gradient check skipped: ${generic.skipped}`);
    else log('(generic graph: backprop = one full run of the stepper; its numerical gradient re-runs only the perturbed leaf\'s descendants and updates a product by the rank-1 change instead of recomputing it — cheaper than the book\'s full recompute that the TwoLayerNet and numpy rows do)');
    results.gradientCheck = { params: 39760, h: 1e-4, batch: 3, numericalMs, numericalCpuMs, backpropMs, maxAbsDiff, genericGraph: generic, numpy: npCheck };

    // ---- 3. training ---------------------------------------------------------------------
    log('');
    const iters = quick ? 1000 : 10000;
    log(`## Training: ${iters.toLocaleString('en-US')} iterations, batch 100, lr 0.1, 784-50-10, synthetic MNIST-shaped data (10,000 rows)`);
    const here20 = trainSynthetic(iters);
    const extTrain = extHost.peer ? await extHost.peer.request<TrainResult>({ cmd: 'train', iters }) : null;
    const npTrain = np ? await np.request<{ ms: number; cpuMs: number; lastLoss: number; trainAcc: number }>({ cmd: 'train', iters }) : null;
    log(table(
      ['implementation', 'total ms', 'µs / iteration', 'CPU ms', 'CPU µs / iteration', 'last loss', 'acc (2,000 train rows)'],
      [
        ...[[`engine, ${here} (${here20.backend})`, here20] as const, ...(extTrain ? [[`engine, ext-host Node ${extInfo?.node ?? ''} (${extTrain.backend})`, extTrain] as const] : [])]
          .map(([name, r]) => [name, fmt(r.ms), fmt((r.ms * 1000) / iters), fmt(r.cpuMs), fmt((r.cpuMs * 1000) / iters), r.lastLoss.toFixed(4), r.trainAcc.toFixed(3)]),
        ...(npTrain ? [['numpy', fmt(npTrain.ms), fmt((npTrain.ms * 1000) / iters), fmt(npTrain.cpuMs), fmt((npTrain.cpuMs * 1000) / iters), npTrain.lastLoss.toFixed(4), npTrain.trainAcc.toFixed(3)]] : []),
      ],
    ));
    if (npTrain) {
      log(`engine/numpy: ${here} ${ratio(here20.ms, npTrain.ms)} (CPU time ${ratio(here20.cpuMs, npTrain.cpuMs)})` +
        (extTrain ? `; extension host's Node ${extInfo?.node ?? ''} ${ratio(extTrain.ms, npTrain.ms)} (CPU time ${ratio(extTrain.cpuMs, npTrain.cpuMs)})` : ''));
    }
    log('(each iteration: gather 100 random rows into the input buffer, forward + backward, SGD update; no per-epoch accuracy inside the timing)');
    const fashion = fashionMnistViaCli(iters);
    if ('skipped' in fashion) log(`Fashion-MNIST through the CLI: skipped (${fashion.skipped})`);
    else log(`Fashion-MNIST through the product (\`node dist/cli.js train --data ${FASHION_DIR} --iters ${iters} --seed 0 --json\`, book defaults, per-epoch accuracy included): ${fmt(fashion.ms)} ms, train acc ${fashion.trainAcc.toFixed(4)}, test acc ${fashion.testAcc.toFixed(4)} (process wall time ${fmt(fashion.wallMs)} ms incl. loading the data)`);
    results.training = {
      iters, batch: N, learningRate: 0.1, engineMs: here20.ms, engineCpuMs: here20.cpuMs, engineLastLoss: here20.lastLoss, engineTrainAcc: here20.trainAcc,
      engineBackend: here20.backend, extensionHost: extTrain, numpy: npTrain, fashionMnistCli: fashion,
    };
  } finally {
    await numpy.peer?.close();
    await extHost.peer?.close();
  }

  if (stepOnly) {
    results.loadAverageAtEnd = loadavg().map((l) => l.toFixed(1)).join(' ');
    log(`load average at the end: ${results.loadAverageAtEnd}`);
    writeFileSync(join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    log(`wrote bench/results.json (--step-only) — bench took ${fmt((nowUs() - started) / 1e6, 1)} s`);
    return;
  }

  // ---- 4. bundle sizes and activation ----------------------------------------------------
  log('');
  log('## Bundles (production build: `node scripts/build.mjs --production`) and activation');
  const bundles = await measureBundles(root);
  log(table(
    ['file', 'bytes', 'gzip', 'chart/layout libs', 'own'],
    bundles.rows.map((r) => [
      r.file + (r.note ? ` (${r.note})` : ''), fmt(r.bytes), fmt(r.gzipBytes),
      Object.keys(r.libs).length ? `${fmt(r.libBytes)} (${Object.keys(r.libs).join(', ')})` : fmt(r.libBytes), fmt(r.ownBytes),
    ]),
  ));
  const kb = (b: number | null): string => (b === null ? '—' : `${fmt(b)} bytes = ${fmt(b / 1000, 1)} kB`);
  log(`own bundle (extension + worker + webviews, without chart/layout libraries): ${kb(bundles.ownTotal)}; without the codicon stylesheet too: ${kb(bundles.ownTotalWithoutIconCss)} (issue 6: < 400 KB)`);
  log(bundles.note);
  const activations: { loadMs: number; activateMs: number; ok: boolean; error?: string }[] = [];
  for (let i = 0; i < (quick ? 3 : 11); i++) {
    try {
      const out = execFileSync(process.execPath, [join(__dirname, 'activation.mjs'), join(root, 'dist/extension.js')], { cwd: root, encoding: 'utf8' });
      activations.push(JSON.parse(out.trim().split('\n').pop() ?? '{}'));
    } catch (e) {
      activations.push({ loadMs: NaN, activateMs: NaN, ok: false, error: String(e) });
    }
  }
  const okRuns = activations.filter((a) => a.ok);
  const loadMs = median(okRuns.map((a) => a.loadMs)), activateMs = median(okRuns.map((a) => a.activateMs));
  if (okRuns.length) {
    log(`activation (${okRuns.length} fresh Node processes, median): require(dist/extension.js) ${fmt(loadMs, 1)} ms + activate() ${fmt(activateMs, 1)} ms = ${fmt(loadMs + activateMs, 1)} ms (issue 6: < 50 ms)`);
    log('method: bench/activation.mjs loads the production bundle in a fresh `node` with `vscode` replaced by a stub module (every API a no-op stand-in), then awaits activate(context); real VS Code adds its own API costs, which this cannot see');
  } else {
    log(`activation: not measured (${activations[0]?.error ?? 'no runs'})`);
  }
  results.bundle = { ...bundles, ownTotalKiB: bundles.ownTotal !== null ? bundles.ownTotal / 1024 : null };
  results.activation = okRuns.length ? { method: 'fresh node + stub vscode module (bench/activation.mjs)', runs: okRuns.length, loadMs, activateMs, totalMs: loadMs + activateMs } : { error: activations[0]?.error };

  // ---- 5. 2,000-node graph ----------------------------------------------------------------
  log('');
  log('## A generated 2,000-node graph: stepper step + the delta the host posts');
  let g2: Graph2000Result | { skipped: string };
  try {
    g2 = await benchGraph2000(gc);
    log(`${g2.nodes} nodes, ${g2.totalSteps} steps, compiled in ${fmt(g2.compileMs, 1)} ms`);
    log(`Step → delta built and serialised (every step of the graph, ${g2.stepUs.count} samples): median ${fmt(g2.stepUs.median, 1)} µs, p90 ${fmt(g2.stepUs.p90, 1)} µs, p99 ${fmt(g2.stepUs.p99, 0)} µs, max ${fmt(g2.stepUs.max, 0)} µs; median delta ${g2.deltaJsonBytes} bytes of JSON`);
    log(g2.traceMB !== null ? `trace memory (heap used after the whole forward + backward pass, minus before compiling; after GC): ${fmt(g2.traceMB, 2)} MB` : 'trace memory: run with --expose-gc to measure');
    log('(bounds "Step command → webview updated" without a real VS Code: postMessage and the webview\'s redraw are not included)');
    log('(the whole round trip, keybinding → webview redrawn, in a real VS Code: `npm run bench:vscode`)');
  } catch (e) {
    g2 = { skipped: e instanceof Error ? e.message : String(e) };
    log(`skipped: ${g2.skipped}`);
  }
  results.graph2000 = g2;

  results.loadAverageAtEnd = loadavg().map((l) => l.toFixed(1)).join(' ');
  log(`load average at the end: ${results.loadAverageAtEnd} (other processes on this machine share its ${cpus().length} cores)`);
  writeFileSync(join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  log('');
  log(`wrote bench/results.json — bench took ${fmt((nowUs() - started) / 1e6, 1)} s`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
