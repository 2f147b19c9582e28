import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TwoLayerNet } from '../../../../src/engine/net/twoLayerNet';

test('without WebAssembly (node --jitless) everything falls back to the TypeScript kernels with the same numbers', () => {
  const out = execFileSync(process.execPath, ['--jitless', '--no-warnings', '--import', 'tsx', join(__dirname, 'fallback.child.ts')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
    webAssembly: string; available: boolean; auto: string; net: string; loss: number; gradW1: number[]; gemmEqual: boolean; forced: string;
  };
  assert.equal(r.webAssembly, 'undefined');
  assert.equal(r.available, false);
  assert.equal(r.auto, 'typescript');
  assert.equal(r.net, 'typescript');
  assert.equal(r.gemmEqual, true);
  assert.match(r.forced, /not available/);
  // Same net, same data, here on WebAssembly (when available): identical results.
  const net = new TwoLayerNet(6, 5, 3, { seed: 2, weightInitStd: 0.5, maxBatch: 4 });
  const x = Float64Array.from({ length: 24 }, (_, i) => Math.sin(i));
  assert.equal(net.gradient(x, [0, 2, 1, 2], 4), r.loss);
  assert.deepEqual(Array.from(net.grads.W1), r.gradW1);
});
