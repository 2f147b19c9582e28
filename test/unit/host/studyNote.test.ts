/** Study notes: the steps a note covers, file names next to the graph, and Markdown that links its figures. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Tensor } from '../../../src/engine/tensor';
import { baseName, figureFileName, noteSteps, studyNoteMarkdown } from '../../../src/host/studyNote';

const TEXTS = { title: 'buy-apple.backprop', node: 'node', value: 'value', gradient: 'gradient', noGradient: '(no gradient)', step: 'Step' };

describe('study notes', () => {
  test('steps: end of forward, end of backward, every step', () => {
    assert.deepEqual(noteSteps('forwardEnd', 2, 4), [2]);
    assert.deepEqual(noteSteps('backwardEnd', 2, 4), [4]);
    assert.deepEqual(noteSteps('every', 2, 4), [0, 1, 2, 3, 4]);
  });

  test('file names beside the graph file', () => {
    assert.equal(baseName('buy-apple.backprop'), 'buy-apple');
    assert.equal(baseName('/w/ex/사과 쇼핑.backprop'), '사과 쇼핑');
    assert.equal(figureFileName('buy-apple.backprop', 4, 'svg'), 'buy-apple-step04.svg');
    assert.equal(figureFileName('net.backprop', 7, 'png', 3), 'net-step007.png');
  });

  test('the Markdown links every figure and tabulates values and gradients', () => {
    const md = studyNoteMarkdown(TEXTS, [
      {
        step: 2,
        caption: 'forward 2/2 · price = apple_price × tax = 200 × 1.1 = 220',
        path: 'buy-apple-figures/buy-apple-step2.svg',
        rows: [
          { label: 'apple', value: Tensor.scalar(100), grad: undefined, constant: false },
          { label: 'price', value: Tensor.scalar(220), grad: undefined, constant: false },
        ],
      },
      {
        step: 4,
        caption: 'done 2/2',
        path: '사과 figures/step 4.svg',
        rows: [
          { label: 'apple', value: Tensor.scalar(100), grad: Tensor.scalar(2.2), constant: false },
          { label: 't', value: Tensor.from([0, 1]), grad: undefined, constant: true },
        ],
      },
    ]);
    const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => decodeURIComponent(m[1]));
    assert.deepEqual(links, ['buy-apple-figures/buy-apple-step2.svg', '사과 figures/step 4.svg']);
    assert.match(md, /^# buy\\-apple\.backprop$/m);
    assert.match(md, /^\| apple \| 100 \| 2\.2 \|$/m);
    assert.match(md, /^\| t \| \\\[0, 1\\\] \| \(no gradient\) \|$/m, 'brackets escaped for Markdown');
    assert.match(md, /200 × 1\.1 = 220/);
  });
});
