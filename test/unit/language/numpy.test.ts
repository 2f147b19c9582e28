/**
 * The language meets numpy: load() of .npy/.npz, class-index labels, and reassignment (x = x * 2,
 * x += 1) through the compiler, the stepper and the CLI's JSON output.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import { readNpy, writeNpy } from '../../../src/engine/io/npy';
import { checkLabels, SoftmaxWithLoss } from '../../../src/engine/layers';
import { backprop } from '../../../src/engine/numgrad';
import { Stepper } from '../../../src/engine/stepper';
import { Tensor } from '../../../src/engine/tensor';
import { compile, definitionOf, fileReferences, type FileContent, identifierAt, nodeForName, outputKeys, versionAt, versionLabel } from '../../../src/language/index';
import { compileOk } from './helpers';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'npy');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));

function files(entries: Record<string, FileContent>): Map<string, FileContent> {
  return new Map(Object.entries(entries));
}

function firstError(source: string, fs: Map<string, FileContent>): string {
  const d = compile(source, { files: fs }).diagnostics.find((x) => x.severity === 'error');
  assert.ok(d, 'expected an error');
  return `${d.range.start.line}:${d.range.start.column} ${d.message}`;
}

describe('load("…") in the language', () => {
  const fs = files({ 'w.npz': { bytes: fixture('deflated.npz') }, 'x.npy': { bytes: fixture('f8.npy') }, 'big.npy': { bytes: fixture('i8.npy') } });

  it('fileReferences lists each path once, in source order', () => {
    const src = 'W = load("w.npz", "W")\nt = load("w.npz", "t")\nx = load(\'x.npy\') * 2';
    assert.deepEqual(fileReferences(src).map((r) => `${r.path}@${r.range.start.line}:${r.range.start.column}`), ['w.npz@1:10', 'x.npy@3:10']);
  });

  it('a name bound to load() is a leaf with its origin; the values are the file\'s', () => {
    const g = compileOk('W = load("w.npz", "W")\nx = load("x.npy")\ny = sum(x * W)', { files: fs });
    const W = nodeForName(g, 'W');
    assert.equal(W?.op, 'leaf');
    assert.deepEqual(W?.origin, { file: 'w.npz', key: 'W', dtype: 'float64' });
    assert.deepEqual(nodeForName(g, 'x')?.origin, { file: 'x.npy', dtype: 'float64' });
    assert.deepEqual(W?.value?.toNested(), [[1.5, -2, 3.25], [0, 1e-3, -7]]);
    assert.equal(backprop(g).values[g.output].item(), 1.5 * 1.5 + 4 + 3.25 * 3.25 + 1e-6 + 49);
  });

  it('an inline load is a constant leaf that keeps its origin; a folded one is a plain constant', () => {
    const g = compileOk('W = load("w.npz", "W")\ny = sum(W * load("x.npy"))\nz = y * sum(load("x.npy") * 2)', { files: fs });
    const consts = g.nodes.filter((n) => n.op === 'leaf' && n.constant);
    assert.deepEqual(consts.map((n) => n.origin?.file), ['x.npy', undefined]);
  });

  it('errors carry the line:column of the load call', () => {
    assert.equal(firstError('x = 1\nW = load("w.npz")', fs), `2:5 load("w.npz"): 'w.npz' is an .npz archive: say which array, e.g. load("w.npz", "W1")`);
    assert.match(firstError('W = load("w.npz", "W9")', fs), /^1:5 load\("w\.npz", "W9"\): the archive has no array 'W9'; its arrays are 'W', 't'/);
    assert.match(firstError('x = load("x.npy", "a")', fs), /^1:5 .*is a single array \(\.npy\), not an \.npz archive/);
    assert.match(firstError('x = load("gone.npy")', files({ 'gone.npy': { error: 'no such file' } })), /^1:5 cannot read 'gone\.npy': no such file/);
    assert.match(firstError('x = 2\ny = load("f.npy")', files({ 'f.npy': { bytes: fixture('fortran.npy') } })), /^2:5 .*Fortran/);
    assert.match(firstError('y = load("f.npy")', files({ 'f.npy': { bytes: fixture('truncated.npy') } })), /^1:5 .*truncated/);
    const nan = writeNpy(Tensor.from([1, NaN]));
    assert.match(firstError('y = load("n.npy")', files({ 'n.npy': { bytes: nan } })), /^1:5 load\("n\.npy"\): the value\[1\] is NaN; only finite numbers are allowed/);
  });

  it('loaded elements count against the size limits; the 200,000-character cap does not', () => {
    const big = writeNpy(Tensor.zeros([1000, 1000]));
    const g = compileOk('W = load("w.npy")\ny = sum(W)', { files: files({ 'w.npy': { bytes: big } }) });
    assert.equal(g.nodes[0].shape.join('x'), '1000x1000');
    const tooBig = new Uint8Array(writeNpy(Tensor.zeros([1001, 1000])));
    assert.match(firstError('W = load("w.npy")', files({ 'w.npy': { bytes: tooBig } })), /1,001,000 elements; the limit is 1,000,000 per tensor/);
    const six = 'W = load("w.npy")\n' + Array.from({ length: 6 }, (_, i) => `y${i} = W * ${i + 2}`).join('\n');
    assert.match(firstError(six, files({ 'w.npy': { bytes: big } })), /add up to more than 5,000,000 numbers/);
  });
});

describe('class-index labels', () => {
  it('softmax_with_loss(x, t) with indices equals one-hot: same loss, same gradient (property)', () => {
    const arb = fc.integer({ min: 1, max: 5 }).chain((n) =>
      fc.integer({ min: 1, max: 6 }).chain((c) =>
        fc.tuple(fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: n * c, maxLength: n * c }), fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }), fc.constant(n), fc.constant(c)),
      ),
    );
    fc.assert(
      fc.property(arb, ([xs, idx, n, c]) => {
        const x = new Tensor([n, c], Float64Array.from(xs));
        const oneHot = new Float64Array(n * c);
        idx.forEach((k, r) => (oneHot[r * c + k] = 1));
        const a = new SoftmaxWithLoss();
        const b = new SoftmaxWithLoss();
        const la = a.forward([x, new Tensor([n, c], oneHot)]).item();
        const lb = b.forward([x, new Tensor([n], Float64Array.from(idx))]).item();
        assert.equal(lb, la);
        assert.deepEqual(Array.from((b.backward(Tensor.scalar(1))[0] as Tensor).data), Array.from((a.backward(Tensor.scalar(1))[0] as Tensor).data));
        // Through the language too: the same graph values and gradients.
        const xsrc = `[${Array.from({ length: n }, (_, r) => `[${xs.slice(r * c, (r + 1) * c).join(', ')}]`).join(', ')}]`;
        const hot = `[${Array.from({ length: n }, (_, r) => `[${Array.from(oneHot.subarray(r * c, (r + 1) * c)).join(', ')}]`).join(', ')}]`;
        const g1 = compileOk(`x = ${xsrc}\nt = ${hot}\nloss = softmax_with_loss(x, t)`);
        const g2 = compileOk(`x = ${xsrc}\nt = [${idx.join(', ')}]\nloss = softmax_with_loss(x, t)`);
        const r1 = backprop(g1);
        const r2 = backprop(g2);
        assert.equal(r2.values[g2.output].item(), r1.values[g1.output].item());
        assert.deepEqual(Array.from((r2.grads[0] as Tensor).data), Array.from((r1.grads[0] as Tensor).data));
      }),
      { numRuns: 150 },
    );
  });

  it('a single example takes a scalar index; the book\'s numbers hold', () => {
    const l = new SoftmaxWithLoss();
    assert.ok(Math.abs(l.forward([Tensor.from([0.3, 2.9, 4.0]), Tensor.scalar(2)]).item() - 0.3057143290530003) < 1e-15);
    assert.equal(compile('x = [0.3, 2.9, 4.0]\nloss = softmax_with_loss(x, 2)').graph?.nodes.length, 3);
  });

  it('checkLabels names what is wrong', () => {
    const err = (t: Tensor, x: number[] = [2, 3]): string => {
      const r = checkLabels(x, t);
      return 'error' in r ? r.error : r.form;
    };
    assert.equal(err(Tensor.from([2, 0])), 'indices');
    assert.equal(err(Tensor.from([[0, 0, 1], [1, 0, 0]])), 'one-hot');
    assert.match(err(Tensor.from([[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]])), /neither one-hot rows nor class indices: t\[0, 0\] = 0\.1/);
    assert.match(err(Tensor.from([3, 0])), /t\[0\] = 3 is out of range: x has 3 classes/);
    assert.match(err(Tensor.from([[0, 0, 0], [1, 0, 0]])), /row 0 of the one-hot labels t has no 1/);
    assert.throws(() => new SoftmaxWithLoss().forward([Tensor.from([[1, 2, 3]]), Tensor.from([1.5])]), /not a whole number/);
  });
});

describe('reassignment, as in Python', () => {
  const src = 'x = 3\nx = x * 2\nx *= 4\ny = x + 1\ny += x';

  it('each assignment is a new version: x, x′, x″; uses read the version before them', () => {
    const g = compileOk(src);
    assert.deepEqual(g.nodes.filter((n) => n.name !== undefined).map((n) => n.label), ['x', 'x′', 'x″', 'y', 'y′']);
    const r = backprop(g);
    const by = (label: string): number => r.values[g.nodes.find((n) => n.label === label)?.id ?? -1].item();
    assert.deepEqual(['x', 'x′', 'x″', 'y', 'y′'].map(by), [3, 6, 24, 25, 49]);
    // ∂y′/∂x = ∂(x″ + 1 + x″)/∂x = 2 · 8 = 16
    assert.equal(r.grads[g.nodes.find((n) => n.label === 'x')?.id ?? -1]?.item(), 16);
  });

  it('the stepper steps every version', () => {
    const g = compileOk(src);
    const s = new Stepper(g);
    s.runBackward();
    const forward = Array.from({ length: s.forwardSteps }, (_, i) => g.nodes[s.record(i).nodeId].label);
    assert.deepEqual(forward, ['x′', 'x″', 'y', 'y′']);
  });

  it('identifiers, definitions and versionAt follow versions', () => {
    const r = compile(src);
    // line 3 `x *= 4`: the name is the definition of x″ (the use of x′ is at the same place)
    assert.equal(versionAt(r, { line: 3, column: 1 }), 'x″');
    assert.equal(versionAt(r, { line: 2, column: 5 }), 'x');
    assert.equal(versionAt(r, { line: 4, column: 5 }), 'x″');
    assert.equal(identifierAt(r, { line: 5, column: 6 })?.label, 'x″');
    assert.equal(definitionOf(r, 'x', 'x″')?.range.start.line, 3);
    assert.equal(definitionOf(r, 'x')?.range.start.line, 1);
    assert.deepEqual(r.statements.map((s) => s.label), ['x', 'x′', 'x″', 'y', 'y′']);
  });

  it('outputKeys: the last version is the plain name, earlier ones NAME@k', () => {
    const g = compileOk(src);
    assert.deepEqual([...outputKeys(g).values()], ['x@1', 'x@2', 'x', 'y@1', 'y']);
  });

  it('labels beyond the third prime are x⁽⁴⁾, x⁽¹²⁾', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 13].map((v) => versionLabel('x', v)), ['x', 'x′', 'x″', 'x‴', 'x⁽⁴⁾', 'x⁽¹²⁾']);
  });

  it('an unused earlier version is warned about by its label', () => {
    const d = compile('x = 1\nx = 2\ny = x * 3').diagnostics;
    assert.deepEqual(d.map((x) => `${x.range.start.line}:${x.severity} ${x.message}`), ["1:warning 'x' does not affect the output 'y' (nothing that leads to 'y' uses it), so its gradient is 0"]);
    const later = compile('x = 1\ny = x * 3\nx = x * 2\nz = y * 1').diagnostics;
    assert.match(later[0]?.message ?? '', /^'x' \(the version x′ made here\) does not affect the output 'z'/);
  });
});

describe('CLI: JSON keys of versions and --save-grads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-save-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const io = (out: { stdout: string; stderr: string }): CliIo => ({
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    readFile: (p) => readFileSync(p, 'utf8'),
    readBytes: (p) => new Uint8Array(readFileSync(p)),
    writeBytes: (p, d) => {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, d);
    },
  });

  it('run --json keys x@1, x@2, x; --save-grads writes NAME.npy that read back as the JSON gradients', async () => {
    writeFileSync(join(dir, 'x.npy'), readFileSync(join(FIXTURES, 'f8.npy')));
    writeFileSync(join(dir, 'p.backprop'), 'x = load("x.npy")\nx = x * 2\nx += 1\nloss = sum(x * x)\n');
    const out = { stdout: '', stderr: '' };
    const code = await main(['run', join(dir, 'p.backprop'), '--json', '--save-grads', join(dir, 'g')], io(out));
    assert.equal(code, 0, out.stderr);
    const j = JSON.parse(out.stdout) as { output: string; grads: Record<string, number[][]> };
    assert.deepEqual(Object.keys(j.grads), ['x@1', 'x@2', 'x', 'loss']);
    assert.match(out.stderr, /saved 4 gradients to .*: x@1\.npy, x@2\.npy, x\.npy, loss\.npy/);
    for (const key of Object.keys(j.grads)) {
      const saved = readNpy(new Uint8Array(readFileSync(join(dir, 'g', `${key}.npy`))), 1e6).tensor.toNested();
      assert.deepEqual(saved, j.grads[key], key);
    }
  });

  it('a missing loaded file is an error at the load call', async () => {
    writeFileSync(join(dir, 'q.backprop'), 'y = 1\nx = load("nope.npy")\n');
    const out = { stdout: '', stderr: '' };
    assert.equal(await main(['run', join(dir, 'q.backprop')], io(out)), 1);
    assert.match(out.stderr, /q\.backprop:2:5: error: cannot read 'nope\.npy': no such file/);
  });

  it('--save-grads needs a folder; help mentions it', async () => {
    const out = { stdout: '', stderr: '' };
    assert.equal(await main(['run', join(dir, 'p.backprop'), '--save-grads'], io(out)), 1);
    assert.match(out.stderr, /'--save-grads' needs a folder/);
    const help = { stdout: '', stderr: '' };
    await main(['--help'], io(help));
    assert.match(help.stdout, /--save-grads DIR/);
  });
});
