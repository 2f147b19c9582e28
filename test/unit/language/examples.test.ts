/**
 * Every example compiles, and the book's numbers come out of the engine for them
 * (chapter 5 of Deep Learning from Scratch).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Graph } from '../../../src/engine/graph';
import { backprop, gradientCheck } from '../../../src/engine/numgrad';
import type { NestedArray } from '../../../src/engine/tensor';
import { compile, nodeForName } from '../../../src/language/index';

const DIR = join(__dirname, '..', '..', '..', 'examples');

function load(file: string, expand = false): Graph {
  const r = compile(readFileSync(join(DIR, file), 'utf8'), { expand });
  assert.deepEqual(r.diagnostics, [], file);
  assert.ok(r.graph, file);
  return r.graph;
}

/** Values and gradients of the named nodes after a full backward pass. */
function run(file: string, expand = false): { value: (n: string) => NestedArray; grad: (n: string) => NestedArray | undefined; graph: Graph } {
  const graph = load(file, expand);
  const r = backprop(graph);
  const id = (n: string): number => {
    const node = nodeForName(graph, n);
    assert.ok(node, `no node named ${n} in ${file}`);
    return node.id;
  };
  return { graph, value: (n) => r.values[id(n)].toNested(), grad: (n) => r.grads[id(n)]?.toNested() };
}

/** Asserts nested numbers agree to within `tol`. */
function close(actual: NestedArray | undefined, expected: NestedArray, tol = 1e-9, what = ''): void {
  assert.ok(actual !== undefined, `${what}: missing`);
  const a = [actual].flat(2) as number[];
  const e = [expected].flat(2) as number[];
  assert.equal(a.length, e.length, `${what}: size`);
  a.forEach((x, i) => assert.ok(Math.abs(x - e[i]) <= tol, `${what}[${i}]: ${x} vs ${e[i]}`));
}

interface IndexEntry {
  file: string;
  section: string;
  title: { en: string; ko: string };
}

describe('examples', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.backprop'));

  it('index.json lists every example once, with a section and en/ko titles', () => {
    const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as { examples: IndexEntry[] };
    assert.deepEqual(index.examples.map((e) => e.file).sort(), [...files].sort());
    for (const e of index.examples) {
      assert.match(e.section, /^5\.\d(\.\d)?$/, e.file);
      assert.ok(e.title.en.length > 0 && e.title.ko.length > 0, e.file);
    }
  });

  for (const file of files) {
    it(`${file} compiles fused and expanded, starts with a Korean and English comment`, () => {
      const src = readFileSync(join(DIR, file), 'utf8');
      assert.match(src.split('\n')[0], /^# .*[가-힣]/);
      assert.match(src, /^# .*Watch/m);
      load(file);
      load(file, true);
    });
  }

  it('buy apple (fig. 5-16): 220; gradients 2.2, 110, 200', () => {
    const r = run('buy-apple.backprop');
    close(r.value('price'), 220);
    close(r.grad('apple'), 2.2);
    close(r.grad('apple_num'), 110);
    close(r.grad('tax'), 200);
  });

  it('buy apple and orange (fig. 5-17): 715; gradients 2.2, 110, 3.3, 165, 650', () => {
    const r = run('buy-apple-orange.backprop');
    close(r.value('price'), 715);
    close(r.grad('apple'), 2.2);
    close(r.grad('apple_num'), 110);
    close(r.grad('orange'), 3.3);
    close(r.grad('orange_num'), 165);
    close(r.grad('tax'), 650);
    close(r.grad('all_price'), 1.1);
    close(r.grad('apple_price'), 1.1);
    close(r.grad('orange_price'), 1.1);
  });

  it('chain rule (fig. 5-7): ∂z/∂x = ∂z/∂y = 2(x + y)', () => {
    const r = run('chain-rule.backprop');
    close(r.value('z'), 25);
    close(r.grad('x'), 10);
    close(r.grad('y'), 10);
  });

  it('add and multiply nodes: add passes on, multiply swaps', () => {
    const r = run('add-mul-nodes.backprop');
    close(r.grad('z'), 1);
    close(r.grad('w'), 1);
    close(r.grad('x'), 5);
    close(r.grad('y'), 10);
  });

  it('ReLU with the book x: forward mask and backward mask', () => {
    const r = run('relu.backprop');
    close(r.value('y'), [
      [1, 0],
      [0, 3],
    ]);
    close(r.grad('x'), [
      [1, 0],
      [0, 1],
    ]);
  });

  for (const expand of [false, true]) {
    it(`sigmoid(0) = 0.5 with gradient 0.25 (${expand ? 'expanded' : 'fused'})`, () => {
      const r = run('sigmoid.backprop', expand);
      close(r.value('y'), 0.5, 1e-15);
      close(r.grad('x'), 0.25, 1e-15);
      if (expand) assert.ok(r.graph.nodes.some((n) => n.op === 'recip'));
    });
  }

  it('Affine (fig. 5-25): y = [10, 14, 18]', () => {
    const r = run('affine.backprop');
    close(r.value('y'), [10, 14, 18]);
    close(r.grad('b'), [1, 1, 1]);
    close(r.grad('x'), [6, 15]);
  });

  for (const expand of [false, true]) {
    it(`batched Affine (fig. 5-27): book values, bias gradient is the column sum (${expand ? 'expanded' : 'fused'})`, () => {
      const r = run('affine-batch.backprop', expand);
      close(r.value('Y'), [
        [10, 14, 18],
        [20, 28, 36],
      ]);
      close(r.grad('Y'), [
        [1, 2, 3],
        [4, 5, 6],
      ]);
      close(r.grad('X'), [
        [14, 32],
        [32, 77],
      ]);
      close(r.grad('W'), [
        [13, 17, 21],
        [18, 24, 30],
      ]);
      close(r.grad('b'), [5, 7, 9]);
    });
  }

  it('Softmax-with-Loss: loss 0.3057143290530003, t gets no gradient', () => {
    const r = run('softmax-with-loss.backprop');
    close(r.value('loss'), 0.3057143290530003, 1e-15);
    assert.equal(r.grad('t'), undefined);
    const x = r.grad('x') as number[][];
    close(
      x[0].reduce((a, b) => a + b, 0),
      0,
      1e-12,
      'Σ (y − t) = 0',
    );
    assert.ok(x[0][2] < 0 && x[0][0] > 0 && x[0][1] > 0);
  });

  it('two-layer net: shapes, seeded weights ×0.01, and a gradient check below 1e-6', () => {
    const r = run('two-layer-net.backprop');
    const W1 = r.value('W1') as number[][];
    assert.equal(W1.length, 4);
    assert.equal(W1[0].length, 3);
    assert.ok(W1.flat().every((w) => Math.abs(w) < 0.05));
    assert.equal(typeof r.value('loss'), 'number');
    const check = gradientCheck(r.graph);
    assert.deepEqual(check.leaves.map((l) => l.label).sort(), ['W1', 'W2', 'b1', 'b2', 'x']);
    for (const leaf of check.leaves) assert.ok(leaf.maxAbsDiff < 1e-6, `${leaf.label}: ${leaf.maxAbsDiff}`);
    // The ReLU must be partly open, or the example shows nothing.
    const z1 = (r.value('z1') as number[][]).flat();
    assert.ok(z1.some((v) => v > 0) && z1.some((v) => v === 0));
  });

  for (const file of files) {
    it(`${file}: fused and expanded give the same named values and gradients`, () => {
      const fused = run(file);
      const expanded = run(file, true);
      for (const node of fused.graph.nodes.filter((n) => n.name !== undefined)) {
        const name = node.name as string;
        close(expanded.value(name), fused.value(name), 1e-12, `${file} value ${name}`);
        const g = fused.grad(name);
        if (g === undefined) assert.equal(expanded.grad(name), undefined);
        else close(expanded.grad(name), g, 1e-12, `${file} grad ${name}`);
      }
    });
  }
});
