/** Untrusted traces: any mutation of a valid document is read, or refused with a clear error; never a crash. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildTracedGraph, checkTrace, createTraceStepper, traceFromJson, TraceBuildError, TraceFormatError } from '../../../src/trace';
import { TraceWriter } from './helpers';
import { buyAppleOrange, twoLayerNet } from './scripts';

function micrograd(): Record<string, unknown> {
  const w = new TraceWriter('/work/expr.py');
  w.micrograd.push({
    seq: 0,
    file: '/work/expr.py',
    line: 9,
    column: 1,
    root: 4,
    nodes: [
      { id: 0, name: 'a', op: '', prev: [], data: 2, grad: -3, line: 1 },
      { id: 1, name: 'b', op: '', prev: [], data: -3, grad: 2, line: 2 },
      { id: 2, name: 'c', op: '*', prev: [0, 1], data: -6, grad: 1, line: 3 },
      { id: 3, name: 'd', op: 'tanh', prev: [2], data: Math.tanh(-6), grad: 1, line: 4 },
      { id: 4, name: 'L', op: '**2', prev: [3], data: Math.tanh(-6) ** 2, grad: 1, line: 5 },
    ],
  });
  return w.doc();
}

type J = unknown;

/** Every path to a value inside a JSON document. */
function paths(x: J, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(x)) x.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(doc: J, path: (string | number)[], value: J): J {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, J>;
  let cur = copy;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]] as Record<string | number, J>;
  cur[path[path.length - 1]] = value;
  return copy;
}

const jsonValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 40 }),
  fc.double(),
  fc.constantFrom('NaN', 'Infinity', 'forward', 'backward', '', 'x', 'MulLayer'),
  fc.array(fc.integer({ min: -1, max: 30 }), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('x', 'y', 'W', 'b'), fc.integer({ min: 0, max: 30 }), { maxKeys: 3 }),
);

describe('trace documents from an untrusted process', () => {
  for (const [name, make] of [
    ['buy_apple_orange', () => buyAppleOrange().doc()],
    ['two_layer_net', () => twoLayerNet().doc()],
    ['micrograd', micrograd],
  ] as const) {
    it(`${name}: a mutated field is read or refused with TraceFormatError / TraceBuildError`, () => {
      const base = JSON.parse(JSON.stringify(make())) as J;
      const all = paths(base);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: all.length - 1 }), jsonValue, (i, v) => {
          const doc = setAt(base, all[i], v);
          try {
            const traced = buildTracedGraph(traceFromJson(doc));
            checkTrace(traced);
            createTraceStepper(traced).runBackward();
          } catch (e) {
            if (e instanceof TraceFormatError || e instanceof TraceBuildError) return;
            assert.fail(`path ${all[i].join('.')} = ${JSON.stringify(v)}: ${e instanceof Error ? e.stack : String(e)}`);
          }
        }),
        { numRuns: 600, seed: 9 },
      );
    });
  }
});
