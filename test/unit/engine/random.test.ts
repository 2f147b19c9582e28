/**
 * The seeded random numbers, pinned: the first numbers of a few seeds, as every `.backprop`
 * program with `seed N`, every seeded net, every gradient-check sample and every trained net of a
 * seed relies on them. Written down before the two generators (the engine's `Rng`, the trainer's
 * `SeededRandom`) became one, and kept identical since.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng, createRng } from '../../../src/engine/random';
import { TwoLayerNet } from '../../../src/engine/net/twoLayerNet';
import { createNet } from '../../../src/engine/train/net';
import { spiralData } from '../../../src/engine/train/dataset';
import { compile } from '../../../src/language';

/** The engine's stream (`seed N`, nets, gradient-check samples): next() ×3, then randn() ×3. */
const ENGINE: Record<string, { u: number[]; n: number[] }> = {
  '0': { u: [0.26642920868471265, 0.0003297457005828619, 0.2232720274478197], n: [-0.5504413780533554, 0.11461208543792144, -0.9401090989683639] },
  '42': { u: [0.6011037519201636, 0.44829055899754167, 0.8524657934904099], n: [0.6773277072041898, 1.3254965881566083, -0.1778509189597297] },
  '-7': { u: [0.43306733411736786, 0.32539576734416187, 0.5442695003002882], n: [1.0907541093976207, 0.3447307447083438, -0.032666916707372165] },
  '2.5': { u: [0.7342509443406016, 0.32499843230471015, 0.28529605525545776], n: [0.880276720683972, -0.8770972333145239, -1.4117237763572106] },
};

/** The trainer's stream: next() ×2, randn() ×3, int(7), then choice(10) of 5. */
const TRAINER: Record<string, { u: number[]; n: number[]; i: number; c: number[] }> = {
  '0': { u: [0.7478162650950253, 0.2772998127620667], n: [-0.7799752691637849, -0.4059352311114752, 0.20644348594730638], i: 6, c: [5, 3, 0, 1, 6] },
  '42': { u: [0.3560342416167259, 0.42439067969098687], n: [0.6925942466801548, 0.4694152739355031, -1.0113259155058076], i: 2, c: [6, 0, 2, 0, 2] },
  '-7': { u: [0.37775724194943905, 0.21376813063398004], n: [-0.6175969813997727, 0.8344401554631393, 1.308141268914427], i: 1, c: [1, 5, 5, 7, 6] },
  '2.5': { u: [0.8713153344579041, 0.9236848631408066], n: [0.8938213416214027, -1.0663370171574849, 0.7292330741515622], i: 1, c: [7, 9, 3, 9, 2] },
};

describe('seeded random numbers (pinned)', () => {
  it("the engine's stream: uniforms then Box–Muller normals", () => {
    for (const [seed, want] of Object.entries(ENGINE)) {
      const r = new Rng(Number(seed));
      assert.deepEqual([r.next(), r.next(), r.next()], want.u, `seed ${seed}`);
      assert.deepEqual([r.randn(), r.randn(), r.randn()], want.n, `seed ${seed}`);
    }
  });

  it("the trainer's stream: mixed seed, uniforms, normals, integers, batch choice", () => {
    for (const [seed, want] of Object.entries(TRAINER)) {
      const r = createRng(Number(seed), 'training');
      assert.deepEqual([r.next(), r.next()], want.u, `seed ${seed}`);
      assert.deepEqual([r.randn(), r.randn(), r.randn()], want.n, `seed ${seed}`);
      assert.equal(r.int(7), want.i, `seed ${seed}`);
      assert.deepEqual(Array.from(r.choice(10, new Int32Array(5))), want.c, `seed ${seed}`);
    }
  });

  it('what the streams feed: `seed 7` randn, a seeded net, a trained net, the spiral data', () => {
    const g = compile('seed 7\nx = randn(3)\ny = sum(x)').graph;
    assert.ok(g);
    assert.deepEqual(Array.from(g.nodes.find((n) => n.name === 'x')?.value?.data ?? []), [0.14197043782155663, 0.058240714748711335, -0.8642530248729361]);
    assert.deepEqual(Array.from(new TwoLayerNet(3, 2, 2, { seed: 4, weightInitStd: 1 }).params.W1), [
      -1.1305241625791058, 1.9663184066616972, 0.6164013439045447, 0.34821451699205885, -0.7291233826708594, -0.038962960276519465,
    ]);
    assert.deepEqual(Array.from(createNet(3, 2, 2, 1, 1, createRng(4, 'training')).params().W1), [
      -0.06663779762586347, 1.1510973678655188, 1.4035413883332184, 0.5317692168235055, -1.7971122195185276, 0.03278540936089702,
    ]);
    assert.deepEqual(Array.from(spiralData({ perClass: 2, seed: 5 }).train.x.slice(6, 12)), [
      -2.7117242842765834, -2.9405018969666816, 3.7974230580074977, -1.2568126823488797, -3.471462183575335, 1.9871965952080246,
    ]);
  });
});
