/**
 * One op, one place: every layer in `LAYERS` carries a complete spec, and every table of ops (the
 * arity, the panel's descriptions, the shape rules, `createLayer`, the language's layer functions)
 * is derived from that list and nothing else, so adding a layer class to the list is all an op needs.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ArithmeticStep } from '../../../src/engine/arithmetic';
import type { OpKind } from '../../../src/engine/graph';
import { LAYERS, OP_ARITY, OP_INFO, createLayer, inferShape, isOpWithInputs, opInfo, type LayerClass } from '../../../src/engine/layers';
import type { Shape } from '../../../src/engine/tensor';
import { Tensor } from '../../../src/engine/tensor';
import { ALL_FUNCTIONS, CONSTANT_FUNCTIONS, LAYER_FUNCTIONS, LOAD_FUNCTION, layerFunction } from '../../../src/language/builtins';

const OPS = LAYERS.map((layer) => layer.spec.op);
const HANGUL = /[\uac00-\ud7a3]/;
const ATTRS = { exponent: 2 };

/** Candidate input shapes, smallest first: each op runs on the first combination its shape rule accepts. */
const SHAPES: Shape[] = [[], [2], [1, 2], [2, 1], [2, 2]];

function combinations(n: number): Shape[][] {
  if (n === 0) return [[]];
  return combinations(n - 1).flatMap((rest) => SHAPES.map((s) => [...rest, s]));
}

/** Finite values for a shape: distinct positive numbers, or a one-hot / class-index pattern (labels). */
function fill(shape: Shape, pattern: 'values' | 'labels'): Tensor {
  const size = shape.reduce((n, d) => n * d, 1);
  const data = Float64Array.from({ length: size }, (_, i) => (pattern === 'values' ? 0.5 + 0.25 * i : i === 0 ? 1 : 0));
  return new Tensor(shape, data);
}

/** Inputs the layer's forward accepts (its shape rule says yes, and its values are fine). */
function inputsFor(layer: LayerClass): Tensor[] {
  for (const shapes of combinations(layer.spec.arity)) {
    if ('error' in inferShape(layer.spec.op as OpKind, shapes, ATTRS)) continue;
    for (const last of ['values', 'labels'] as const) {
      const inputs = shapes.map((s, i) => fill(s, i === shapes.length - 1 ? last : 'values'));
      try {
        new layer(ATTRS).forward(inputs);
        return inputs;
      } catch {
        // another value pattern or shape
      }
    }
  }
  throw new Error(`no inputs found for ${layer.spec.op}`);
}

describe('layer specs', () => {
  it('every layer has a complete spec: name, arity, symbol, written form, rule in English and Korean, formula', () => {
    assert.equal(new Set(OPS).size, OPS.length, 'op names are unique');
    for (const { spec } of LAYERS) {
      assert.match(spec.op, /^[a-z_]+$/, spec.op);
      assert.ok(Number.isInteger(spec.arity) && spec.arity >= 1, `${spec.op}: arity ${spec.arity}`);
      assert.ok(spec.symbol.length > 0 && spec.written.length > 0, spec.op);
      assert.ok(spec.rule.en.length > 10, `${spec.op}: English rule`);
      assert.ok(spec.rule.ko.length > 5 && HANGUL.test(spec.rule.ko), `${spec.op}: Korean rule`);
      assert.ok(spec.formula.includes('∂L/∂'), `${spec.op}: formula ${spec.formula}`);
    }
  });

  it("each class's arity is what its forward takes and how many gradients its backward returns", () => {
    for (const layer of LAYERS) {
      const { op, arity } = layer.spec;
      const inputs = inputsFor(layer);
      const instance = createLayer({ op, exponent: 2 });
      assert.ok(instance instanceof layer, op);
      const y = instance.forward(inputs);
      const grads = instance.backward(Tensor.full(y.shape, 1));
      assert.equal(grads.length, arity, `${op}: backward returns one gradient per input`);
      assert.throws(() => new layer(ATTRS).forward([...inputs, inputs[0]]), new RegExp(`takes ${arity} input\\(s\\), got ${arity + 1}`), op);
      assert.match((inferShape(op, inputs.slice(1).map((t) => t.shape), ATTRS) as { error: string }).error, / takes 1 argument| takes \d arguments/, op);
    }
  });

  it("each spec's arithmetic template writes its forward and backward lines in both languages", () => {
    for (const layer of LAYERS) {
      const inputs = inputsFor(layer);
      const instance = new layer(ATTRS);
      const y = instance.forward(inputs);
      const dout = Tensor.full(y.shape, 1);
      const dx = instance.backward(dout);
      const step = (phase: 'forward' | 'backward'): ArithmeticStep => ({
        phase,
        out: 'y',
        args: inputs.map((_, i) => `x${i}`),
        x: inputs,
        y,
        dout: phase === 'backward' ? dout : undefined,
        dx: phase === 'backward' ? dx : inputs.map(() => undefined),
        constant: inputs.map(() => false),
        exponent: 2,
        num: String,
      });
      for (const phase of ['forward', 'backward'] as const) {
        const lines = layer.spec.arithmetic(step(phase));
        assert.ok(lines.length > 0, `${layer.spec.op} ${phase}`);
        for (const l of lines) assert.ok(l.en.length > 0 && l.ko.length > 0, `${layer.spec.op} ${phase}`);
      }
    }
  });

  it('every language function maps to the op of its layer, with one parameter per input', () => {
    const named = LAYERS.flatMap((layer) => layer.spec.functions.map((f) => ({ name: f.name, op: layer.spec.op, params: f.params })));
    assert.deepEqual(Object.keys(LAYER_FUNCTIONS), named.map((f) => f.name));
    for (const f of named) {
      assert.deepEqual(layerFunction(f.name), { op: f.op, params: f.params });
      assert.equal(f.params.length, OP_ARITY[f.op], f.name);
    }
    assert.deepEqual(ALL_FUNCTIONS, [...CONSTANT_FUNCTIONS, LOAD_FUNCTION, ...named.map((f) => f.name)]);
    // The order the language's messages list them in ("the functions are zeros, ones, …").
    assert.deepEqual(Object.keys(LAYER_FUNCTIONS), ['relu', 'sigmoid', 'tanh', 'exp', 'log', 'sum', 'mean', 'affine', 'softmax_with_loss']);
  });
});

describe('tables derived from the one list', () => {
  it('have exactly the ops of LAYERS (plus leaf and custom where a node needs a description)', () => {
    assert.deepEqual(Object.keys(OP_ARITY), OPS);
    assert.deepEqual(Object.keys(OP_INFO).sort(), ['leaf', ...OPS, 'custom'].sort());
    for (const { spec } of LAYERS) {
      assert.equal(OP_ARITY[spec.op], spec.arity);
      assert.equal(opInfo(spec.op), spec, `${spec.op}: the panel's description is the spec itself`);
      assert.ok(isOpWithInputs(spec.op), spec.op);
    }
    assert.ok(!isOpWithInputs('leaf') && !isOpWithInputs('custom'));
    assert.throws(() => createLayer({ op: 'leaf' }), /a leaf has no layer/);
    assert.throws(() => createLayer({ op: 'custom' }), /no engine rule/);
    assert.throws(() => createLayer({ op: 'pow' }), /needs a constant exponent/);
    assert.match((inferShape('leaf', []) as { error: string }).error, /a leaf has no inputs/);
    assert.match((inferShape('nope' as OpKind, []) as { error: string }).error, /unknown operation 'nope'/);
  });

  it("the editor's grammar colours exactly the specs' layer functions", () => {
    let root = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(root, 'package.json'))) root = dirname(root);
    const grammar = JSON.parse(readFileSync(join(root, 'syntaxes', 'backprop.tmLanguage.json'), 'utf8')) as {
      repository: Record<string, { patterns?: { match?: string; captures?: Record<string, { name: string }> }[] }>;
    };
    const rule = grammar.repository['function-call'].patterns?.find((p) => p.captures?.['1']?.name === 'support.function.layer.backprop');
    const names = /\\b\(([^)]*)\)/.exec(rule?.match ?? '')?.[1].split('|');
    assert.deepEqual(names?.sort(), Object.keys(LAYER_FUNCTIONS).sort());
  });
});
