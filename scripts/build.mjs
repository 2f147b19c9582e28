// Bundles the extension (Node and web hosts), the CLI and the webview with esbuild into dist/.
import * as esbuild from 'esbuild';
import { buildKernelsWasm } from './build-wasm.mjs';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
  target: 'es2022',
  legalComments: 'none',
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  // The debug adapter library needs Node's `events` and `url`: small shims in the web bundle.
  { entryPoints: ['src/extension.ts'], outfile: 'dist/web/extension.js', platform: 'browser', format: 'cjs', external: ['vscode', 'node:worker_threads'], define: { 'process.env.BACKPROP_WEB': '"1"' }, alias: { events: './src/debug/web/events.ts', url: './src/debug/web/url.ts' } },
  { entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  // The debugger as a standalone Debug Adapter Protocol program (stdio): `node dist/debugAdapter.js`.
  { entryPoints: ['src/debugAdapter.ts'], outfile: 'dist/debugAdapter.js', platform: 'node', format: 'cjs' },
  { entryPoints: ['webview/main.ts'], outfile: 'dist/webview/main.js', platform: 'browser', format: 'iife' },
  // Training / gradient check: the worker (Node host: worker_threads; web host: a Web Worker) and its panel.
  { entryPoints: ['src/workers/worker.node.ts'], outfile: 'dist/worker.js', platform: 'node', format: 'cjs' },
  // The Python tracer's runner (child_process): loaded by the Node extension host from dist/, never in the web bundle.
  { entryPoints: ['src/node/tracer.ts'], outfile: 'dist/tracer.js', platform: 'node', format: 'cjs' },
  { entryPoints: ['src/workers/worker.web.ts'], outfile: 'dist/web/worker.js', platform: 'browser', format: 'iife' },
  { entryPoints: ['webview/train/main.ts'], outfile: 'dist/webview/train.js', platform: 'browser', format: 'iife' },
].filter((b) => b.entryPoints.every((e) => existsSync(e)));

// The SIMD kernels (WAT → wasm, embedded as base64) must exist before esbuild bundles them.
await buildKernelsWasm();

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });

// The webview's vscode-elements draw icons with the codicon font: the page must link codicon.css
// with id="vscode-codicon-stylesheet" (the icons clone that link into their shadow roots).
mkdirSync('dist/webview', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/webview/${f}`);

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context({ ...common, ...b })));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${builds.length} bundles`);
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
  console.log(`built ${builds.length} bundles${production ? ' (production)' : ''}`);
}
