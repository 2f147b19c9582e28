import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decimateLosses } from '../../../../webview/train/decimate';

test('short runs are drawn point for point', () => {
  assert.deepEqual(decimateLosses([3, 2, 1], 1, 10), [[1, 2, 3], [3, 2, 1]]);
  assert.deepEqual(decimateLosses([], 1, 10), [[], []]);
});

test('long runs are drawn as at most maxPoints bucket means at the bucket middles', () => {
  const losses = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? 1 : 3));
  const [xs, ys] = decimateLosses(losses, 1, 1500);
  assert.ok(xs.length <= 1500);
  assert.equal(xs.length, Math.ceil(10_000 / Math.ceil(10_000 / 1500)));
  // Buckets of 7 alternate 1 and 3: means 13/7 or 15/7; the first bucket covers iterations 1..7.
  assert.equal(xs[0], 4);
  assert.equal(ys[0], (1 + 3 + 1 + 3 + 1 + 3 + 1) / 7);
  // The last bucket ends at the last iteration.
  assert.ok(xs[xs.length - 1] <= 10_000 && xs[xs.length - 1] > 9_990);
  for (const y of ys) assert.ok(y >= 1 && y <= 3);
});
