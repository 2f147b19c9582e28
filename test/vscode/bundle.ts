/**
 * Bundles the extension-host mocha suite (test/vscode/suite) with esbuild into
 * out/test/vscode/run-PID/: index.js (exports run()) plus one file per *.test.ts. Never into dist/
 * (that is what ships). A folder per run, so runs side by side do not overwrite each other's suite.
 * mocha is bundled in, so the suite needs nothing from node_modules at run time.
 */
import { build } from 'esbuild';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './tools';

export const SUITE_OUT = join(REPO_ROOT, 'out', 'test', 'vscode', `run-${process.pid}`);

/** `--grep PATTERN` on a runner's command line: only the tests whose full title matches. */
export function grepArg(argv: readonly string[] = process.argv.slice(2)): string | undefined {
  const i = argv.indexOf('--grep');
  return i >= 0 ? argv[i + 1] : undefined;
}

export async function bundleSuite(grep = grepArg()): Promise<string> {
  const srcDir = join(REPO_ROOT, 'test', 'vscode', 'suite');
  const entries = readdirSync(srcDir)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => join(srcDir, f));
  rmSync(SUITE_OUT, { recursive: true, force: true });
  await build({
    entryPoints: entries,
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
    // mocha's parallel mode (unused here) resolves worker files at run time.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  if (grep) writeFileSync(join(SUITE_OUT, 'options.json'), JSON.stringify({ grep }));
  return join(SUITE_OUT, 'index.js');
}
