/**
 * The web extension: src/extension.ts bundled for the browser (as scripts/build.mjs does for
 * dist/web/extension.js) needs nothing but `vscode` — no Node built-ins, no `process`, no `Buffer`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';

describe('host web bundle', () => {
  it('bundles for the browser and requires only vscode', async () => {
    const out = await esbuild.build({
      entryPoints: [new URL('../../src/extension.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'cjs',
      target: 'es2022',
      external: ['vscode', 'node:worker_threads'],
      define: { 'process.env.BACKPROP_WEB': '"1"' },
      logLevel: 'silent',
      minify: true,
    });
    const code = out.outputFiles[0].text;
    const required = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    assert.deepEqual([...required], ['vscode']);
    // The host code itself (not the training helper's guarded dynamic import) never touches Node globals.
    for (const global of ['Buffer.', '__dirname', '__filename', 'process.cwd', 'process.platform']) {
      assert.ok(!code.includes(global), `the web bundle uses ${global}`);
    }
  });
});
