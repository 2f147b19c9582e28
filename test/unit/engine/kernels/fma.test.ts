import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NODE24 } from '../../../vscode/tools';

// The fused-multiply-add kernels run where the runtime has relaxed SIMD (Node ≥ 22, VS Code's
// Electron), not on the Node 20 the unit tests may run on. These tests run wasm.test.ts
// again in child processes that have it, with BACKPROP_KERNELS_EXPECT=fma so a child where the
// FMA build is unavailable fails instead of testing only the SIMD build.

const ROOT = join(__dirname, '..', '..', '..', '..');
const FILE = join(__dirname, 'wasm.test.ts');
const major = Number(process.versions.node.split('.')[0]);

function runChild(node: string, flags: string[]): void {
  // Without NODE_TEST_CONTEXT: else the child talks the runner's binary protocol instead of TAP.
  const env: NodeJS.ProcessEnv = { ...process.env, BACKPROP_KERNELS_EXPECT: 'fma' };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(node, [...flags, '--import', 'tsx', '--test-reporter=tap', FILE], { cwd: ROOT, encoding: 'utf8', env, timeout: 300_000 });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, `${node} ${flags.join(' ')} wasm.test.ts failed:\n${out}`);
  assert.match(out, /WebAssembly builds tested: simd, fma; 'auto' picks wasm-fma/, out);
  assert.match(out, /^ok \d+ - gemm \(fma\): matches the TypeScript reference/m, out);
  assert.doesNotMatch(out, /^not ok/m, out);
}

test('FMA kernels on this Node with --experimental-wasm-relaxed-simd (Node 20, 21)', { skip: major >= 22 ? `Node ${process.version} has relaxed SIMD without a flag: wasm.test.ts ran the FMA build in this process` : false }, () => {
  runChild(process.execPath, ['--experimental-wasm-relaxed-simd']);
});

test('FMA kernels on the extension host\'s Node (the Node 24 scripts/setup-vscode.sh installs)', { skip: existsSync(NODE24) ? false : `no ${NODE24} (run scripts/setup-vscode.sh)` }, () => {
  runChild(NODE24, []);
});
