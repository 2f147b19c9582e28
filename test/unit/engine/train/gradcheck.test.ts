import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compile } from '../../../../src/language';
import { gradientCheck, NUMERICAL_H } from '../../../../src/engine/numgrad';
import { summarizeGradientCheck } from '../../../../src/engine/train/gradcheckReport';

test('gradient check of examples/two-layer-net.backprop: every leaf within 1e-6', () => {
  const source = readFileSync('examples/two-layer-net.backprop', 'utf8');
  const compiled = compile(source);
  assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.ok(compiled.graph);
  const result = gradientCheck(compiled.graph);
  assert.equal(result.completed, true);
  const labels = result.leaves.map((l) => l.label).sort();
  // x is a named leaf and is checked too; t (one-hot labels) is constant and is not.
  for (const name of ['W1', 'b1', 'W2', 'b2']) assert.ok(labels.includes(name), `leaf ${name} checked (got ${labels.join(', ')})`);
  assert.ok(!labels.includes('t'), 't is constant');
  for (const l of result.leaves) {
    assert.ok(l.maxAbsDiff < 1e-6, `${l.label}: max |backprop − numerical| = ${l.maxAbsDiff}`);
    assert.ok(l.meanAbsDiff <= l.maxAbsDiff);
  }
  const report = summarizeGradientCheck(result, 'two-layer-net.backprop', NUMERICAL_H);
  assert.equal(report.parameters, result.leaves.reduce((n, l) => n + l.numerical.size, 0));
  assert.ok(report.maxAbsDiff < 1e-6);
  assert.ok(report.worstLeaf !== null && labels.includes(report.worstLeaf));
  const w1 = report.leaves.find((l) => l.label === 'W1');
  assert.deepEqual(w1?.shape, [4, 3]);
  // Worst entries are sorted, largest first, and the first is the leaf's max.
  assert.equal(w1?.worst[0].absDiff, w1?.maxAbsDiff);
  for (let i = 1; i < (w1?.worst.length ?? 0); i++) assert.ok(w1!.worst[i - 1].absDiff >= w1!.worst[i].absDiff);
  assert.deepEqual(w1?.worst[0].position, [Math.floor(w1!.worst[0].index / 3), w1!.worst[0].index % 3]);
});

test('a wrong gradient shows up in the report as the worst leaf', () => {
  const compiled = compile('a = [1, 2]\nb = [3, 4]\ny = sum(a * b)\n');
  assert.ok(compiled.graph);
  const result = gradientCheck(compiled.graph);
  // Corrupt one backprop entry of b to see that the summary finds it.
  const leafB = result.leaves.find((l) => l.label === 'b');
  assert.ok(leafB);
  leafB.backprop.data[1] += 0.5;
  leafB.maxAbsDiff = 0.5;
  const report = summarizeGradientCheck(result, 'x.backprop', NUMERICAL_H);
  assert.equal(report.worstLeaf, 'b');
  const b = report.leaves.find((l) => l.label === 'b');
  assert.deepEqual(b?.worst[0].position, [1]);
  assert.ok(Math.abs((b?.worst[0].absDiff ?? 0) - 0.5) < 1e-6);
});
