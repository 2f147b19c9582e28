/**
 * Red-team inputs of issue 11 about values and work: NaN/±Infinity are reported where they first
 * appear and why; gradient checks, step traces, training and idx loading are bounded before they
 * start. Each answers within the time in its name and below a memory ceiling, with the message
 * asserted; the inputs are generated here (no big files committed).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { type CliRun, runCliInMemory } from '../../../bench/cliInMemory';
import { readMaybeGzip } from '../../../src/node/mnistFolder';
import { backprop, gradientCheck, MAX_GRADCHECK_WORK, planGradientCheck } from '../../../src/engine/numgrad';
import { nonFiniteMessage } from '../../../src/engine/nonFinite';
import { Stepper } from '../../../src/engine/stepper';
import { TwoLayerNet } from '../../../src/engine/net/twoLayerNet';
import { spiralData } from '../../../src/engine/train/dataset';
import { parseIdx } from '../../../src/engine/train/idx';
import { train } from '../../../src/engine/train/trainer';
import { gunzipBounded } from '../../../src/workers/gunzipStream';
import { GraphSession } from '../../../src/host/session';
import { createEngine } from '../../../src/host/engineBinding';
import { compileOk } from '../language/helpers';
import { assertBounded, measure, measureAsync } from '../limits-helpers';

/** The CLI in-process with `source` as the file p.backprop (no file at all without it). */
function cli(args: string[], source?: string): Promise<CliRun> {
  return runCliInMemory(args, source === undefined ? {} : { 'p.backprop': source });
}

const dir = mkdtempSync(join(tmpdir(), 'backprop-limits-engine-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The red-team's runtime non-finite programs: the reported node, value and cause. */
const NON_FINITE: { source: string; warning: string }[] = [
  { source: 'p = 0\nq = log(p)', warning: "p.backprop:2:5: warning: 'q' is -Infinity: log of 0 (log(0) = -Infinity)" },
  { source: 'p = -2\nq = log(p)', warning: "p.backprop:2:5: warning: 'q' is NaN: log of a negative number (log(-2) = NaN)" },
  { source: 'a = 0\nb = 0 * a\nc = b / b', warning: "p.backprop:3:5: warning: 'c' is NaN: division of zero by zero (0 / 0 = NaN)" },
  { source: 'a = 1\nb = 0 * a\nc = a / b', warning: "p.backprop:3:5: warning: 'c' is Infinity: division by zero (1 / 0 = Infinity)" },
  { source: 'x = 1000\ny = exp(x)', warning: "p.backprop:2:5: warning: 'y' is Infinity: exp overflowed (exp(1000) = Infinity; float64 ends near exp(709.78))" },
  { source: 'x = 1e308\ny = x * 10', warning: "p.backprop:2:5: warning: 'y' is Infinity: the product overflowed (1e+308 × 10 = Infinity)" },
  { source: 'x = 1e308\ny = x + x', warning: "p.backprop:2:5: warning: 'y' is Infinity: the sum overflowed (1e+308 + 1e+308 = Infinity)" },
  { source: 'x = -8\ny = x ** 0.5', warning: "p.backprop:2:5: warning: 'y' is NaN: negative base to a fractional power ((-8) ** 0.5 = NaN)" },
  { source: 'x = 0\ny = x ** -1', warning: "p.backprop:2:5: warning: 'y' is Infinity: 0 ** negative (0 ** (-1) = Infinity)" },
  { source: 'x = [1e300, 1e300]\ny = sum(x * x)', warning: "p.backprop:2:9: warning: 'mul1' is Infinity at [0]: the product overflowed (1e+300 × 1e+300 = Infinity)" },
  { source: 'x = 1e-200\ny = 1 / x', warning: "p.backprop:2:5: warning: the gradient that 'y' sends to 'x' is -Infinity: the gradient −dout·z / y overflowed (1e+200 × 1e+200 = Infinity)" },
  { source: 'x = 0\ny = x ** 0.5', warning: "p.backprop:2:5: warning: the gradient that 'y' sends to 'x' is Infinity: 0 ** negative in the local derivative p·x^(p−1) = 0.5·0 ** (-0.5) (0 ** (-0.5) = Infinity)" },
];

describe('non-finite values are reported where they first appear, with the cause (within 1 s each)', () => {
  for (const { source, warning } of NON_FINITE) {
    it(`${source.replace('\n', '; ')} → ${warning.slice(warning.indexOf('warning: ') + 9, warning.indexOf(':', warning.indexOf('warning: ') + 9))}`, async () => {
      const m = await measureAsync(() => cli(['run', 'p.backprop'], source));
      assertBounded(m, 1000, 50);
      assert.equal(m.value.code, 0);
      assert.equal(m.value.stderr, `${warning}\n`);
    });
  }

  it('run --json gains a nonFinite list naming the node, phase, step, value and cause (within 1 s)', async () => {
    const m = await measureAsync(() => cli(['run', 'p.backprop', '--json'], 'p = 0\nq = log(p)\nr = q * 2'));
    assertBounded(m, 1000, 50);
    const out = JSON.parse(m.value.stdout) as { values: Record<string, unknown>; nonFinite: unknown[] };
    assert.equal(out.values.q, null);
    assert.deepEqual(out.nonFinite, [
      { node: 'q', phase: 'forward', step: 1, value: '-Infinity', cause: 'log of 0 (log(0) = -Infinity)', line: 2, column: 5, message: "'q' is -Infinity: log of 0 (log(0) = -Infinity)" },
    ]);
  });

  it('steps --json carries the same list (within 1 s)', async () => {
    const m = await measureAsync(() => cli(['steps', 'p.backprop', '--json'], 'x = 1000\ny = exp(x)'));
    assertBounded(m, 1000, 50);
    const out = JSON.parse(m.value.stdout) as { nonFinite: { node: string }[]; steps: unknown[] };
    assert.deepEqual(out.nonFinite.map((r) => r.node), ['y']);
    assert.equal(out.steps.length, 2);
  });

  it('only the origin is reported, not the nodes that carry the value on', () => {
    const graph = compileOk('p = 0\nq = log(p)\nr = q * 2\ns = exp(r)');
    const reports = backprop(graph).nonFinite;
    assert.deepEqual(reports.map((r) => [graph.nodes[r.nodeId].label, r.phase]), [['q', 'forward']]);
  });

  it('the stepper exposes the reports of the steps computed so far', () => {
    const graph = compileOk('x = 2\ny = x * 3\nz = log(y - 6)');
    const s = new Stepper(graph);
    s.goTo(1);
    assert.deepEqual(s.nonFinite(), []);
    s.goTo(s.forwardSteps);
    assert.equal(s.nonFinite().length, 1);
    assert.equal(nonFiniteMessage(graph, s.nonFinite()[0], { shape: [] }), "'z' is -Infinity: log of 0 (log(0) = -Infinity)");
  });

  it('the expanded sigmoid of x = −800 gives gradient 0 like the fused one (no 0 · ∞)', () => {
    for (const expand of [false, true]) {
      const graph = compileOk('x = -800\ny = sigmoid(x)', { expand });
      const r = backprop(graph);
      const x = graph.nodes.find((n) => n.name === 'x');
      assert.ok(x);
      assert.equal(r.grads[x.id]?.item(), 0, `expand: ${expand}`);
      assert.equal(r.values[graph.output].item(), 0);
    }
  });

  it('the editor session publishes a Warning diagnostic at the line and flags the node (within 1 s)', () => {
    const m = measure(() => {
      const s = new GraphSession('file:///p.backprop', 'p.backprop', createEngine());
      s.update('p = 0\nq = log(p)\n');
      return s;
    });
    assertBounded(m, 1000, 50);
    const s = m.value;
    assert.deepEqual(
      s.diagnostics.map((d) => [d.severity, d.range.start.line, d.range.start.column, d.message]),
      [['warning', 2, 5, "'q' is -Infinity: log of 0 (log(0) = -Infinity)"]],
    );
    const info = s.graphInfo();
    assert.deepEqual(info?.nodes.find((n) => n.label === 'q')?.nonFinite, { phase: 'forward', message: "'q' is -Infinity: log of 0 (log(0) = -Infinity)" });
    assert.equal(info?.nodes.find((n) => n.label === 'p')?.nonFinite, undefined);
    assert.equal(s.cursor, 0, 'the cursor stays at the start');
  });
});

describe('training stops at the first non-finite loss', () => {
  it('train --lr 1e300 names iteration 2 and exits 1 (within 5 s)', async () => {
    const m = await measureAsync(() => cli(['train', '--lr', '1e300', '--iters', '50']));
    assertBounded(m, 5000, 100);
    assert.equal(m.value.code, 1);
    assert.match(m.value.stderr, /^backprop: error: training stopped at iteration 2: the loss is NaN \(after 1 update with learning rate 1e\+300 the weights are no longer finite; try a smaller learning rate/);
    assert.doesNotMatch(m.value.stdout, /after 50 iterations/);
  });
  it('the engine throws NonFiniteLossError with the iteration (within 5 s)', async () => {
    const data = spiralData({ perClass: 50 });
    await assert.rejects(train(data, { learningRate: 1e300, iterations: 10, batch: 10 }), { name: 'NonFiniteLossError', iteration: 2 });
  });
  it('--hidden 10000000 is refused before allocating (within 2 s, under 100 MB)', async () => {
    const m = await measureAsync(() => cli(['train', '--hidden', '10000000', '--iters', '1']));
    assertBounded(m, 2000, 100);
    assert.equal(m.value.code, 1);
    assert.match(m.value.stderr, /^backprop: error: a 2-10000000-3 net with batch 100 needs about 23,804 MB, more than the limit of 512 MB; use fewer hidden units or a smaller batch\n$/);
    assert.throws(() => new TwoLayerNet(784, 50, 10, { maxBatch: 10_000_000 }), /needs about [\d,]+ MB, more than the limit of 512 MB/);
  });
});

describe('gradient check: bounded by elements × evaluations, a huge leaf sampled visibly', () => {
  it('a 200×200 leaf is checked on a seeded sample (within 5 s with a quarter of the budget; was 72 s)', () => {
    const graph = compileOk('seed 1\nW = randn(200, 200)\ny = sum(W * W)');
    const samples = planGradientCheck(graph, { budget: MAX_GRADCHECK_WORK / 4 });
    const m = measure(() => gradientCheck(graph, { samples }));
    assertBounded(m, 5000, 200);
    const [leaf] = m.value.leaves;
    assert.equal(leaf.total, 40_000);
    assert.ok(leaf.checked >= 100 && leaf.checked < 40_000, `checked ${leaf.checked}`);
    assert.equal(leaf.sampledIndices?.length, leaf.checked);
    assert.ok(leaf.maxAbsDiff < 1e-6, `max diff ${leaf.maxAbsDiff}`);
    // Seeded: the same graph samples the same elements.
    assert.deepEqual(planGradientCheck(graph, { budget: MAX_GRADCHECK_WORK / 4 })[0].indices, leaf.sampledIndices);
    // The default budget samples more of it, never all.
    const full = planGradientCheck(graph)[0];
    assert.ok(full.checked > leaf.checked && full.checked < 40_000);
  });
  it('the CLI says what it sampled, in text and JSON (within 20 s)', async () => {
    // A leaf so costly per element (each one re-runs a 1000×1000 product's worth of work) that few fit.
    const src = 'seed 1\nW = randn(1000, 1000)\nb = randn(3)\ny = sum(W * W) + sum(b)';
    const text = await measureAsync(() => cli(['gradcheck', 'p.backprop'], src));
    assertBounded(text, 20_000, 300);
    assert.match(text.value.stdout, /\nchecked \d+ of 1,000,000 elements of W \(seeded sample\): checking every element would cost more than 200,000,000 operations\n/);
    assert.doesNotMatch(text.value.stdout, /elements of b/);
    assert.match(text.value.stdout, /\nW\s+1000000\s+\d+\s/);
    const json = await cli(['gradcheck', 'p.backprop', '--json'], 'W = [[1, 2], [3, 4]]\ny = sum(W * W)');
    const out = JSON.parse(json.stdout) as { leaves: Record<string, { elements: number; checked: number; sampled: boolean }> };
    assert.deepEqual(out.leaves.W, { ...out.leaves.W, elements: 4, checked: 4, sampled: false });
  });
  it('a small leaf is checked in full', () => {
    const graph = compileOk('W = [[1, 2], [3, 4]]\ny = sum(W * W)');
    const [leaf] = gradientCheck(graph).leaves;
    assert.equal(leaf.checked, 4);
    assert.equal(leaf.sampledIndices, undefined);
  });
});

describe('steps output is bounded', () => {
  it('steps --json on 150 sums of a 1000×1000 matrix is refused before running (within 2 s; was 54 s and 5.25 GB)', async () => {
    const lines = ['W = ones(1000, 1000)', ...Array.from({ length: 150 }, (_, i) => `s${i} = sum(W)`), `y = ${Array.from({ length: 150 }, (_, i) => `s${i}`).join(' + ')}`];
    const source = lines.join('\n');
    assert.ok(source.length < 3_000);
    const m = await measureAsync(() => cli(['steps', 'p.backprop', '--json'], source));
    assertBounded(m, 2000, 100);
    assert.equal(m.value.code, 1);
    assert.equal(m.value.stdout, '');
    assert.match(m.value.stderr, /^p\.backprop:152:5: error: the step trace would hold 300,00\d,\d{3} numbers \(about [\d,]+ MB of JSON\), more than the limit of 5,000,000; use 'run --json'/);
  });
});

describe('idx loading is bounded', () => {
  it('a .gz that inflates past 128 MB stops at the cap (within 10 s, heap growth under 400 MB)', () => {
    const zeros = Buffer.alloc(130 * 2 ** 20);
    const path = join(dir, 'train-images-idx3-ubyte.gz');
    writeFileSync(path, gzipSync(zeros, { level: 1 }));
    const m = measure(() => {
      try {
        readMaybeGzip(path);
        return '';
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    });
    assertBounded(m, 10_000, 400);
    assert.equal(m.value, `${path}: decompresses to more than 128 MB, more than any MNIST-format file (the 60,000 training images are 47 MB)`);
  });
  it('the web worker gunzip stops once the output passes the cap (within 2 s)', async () => {
    const gz = gzipSync(Buffer.alloc(8 * 2 ** 20));
    const m = await measureAsync(() => gunzipBounded(gz, 2 ** 20).then(() => 'no error', (e: Error) => e.message));
    assertBounded(m, 2000, 50);
    assert.equal(m.value, 'it decompresses to more than 1,048,576 bytes');
    assert.equal((await gunzipBounded(gzipSync(Buffer.from([1, 2, 3])), 3)).length, 3);
  });
  it('a header claiming 60,000 × 28 × 28 images in a 16-byte file is refused without allocating (within 1 s)', () => {
    const header = new Uint8Array([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28]);
    const m = measure(() => assert.throws(() => parseIdx(header, 3, 'x'), /x: truncated: header says 60000 × 28 × 28 = 47040000 values \(47040016 bytes with the header\) but the file has 16 bytes/));
    assertBounded(m, 1000, 10);
  });
});
