/**
 * Runs the same extension-host mocha suite in desktop VS Code with `@vscode/test-electron`.
 * For a desktop WITH internet: runTests downloads VS Code (into .vscode-test/) on first use.
 * Offline (this project's machines and CI) use test/vscode/runCodeServer.ts instead.
 *
 *   npm run build && node --import tsx test/vscode/runElectron.ts
 *   BACKPROP_VSCODE_VERSION=1.95.0 to test the oldest supported VS Code (default: stable).
 */
import { runTests } from '@vscode/test-electron';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleSuite, SUITE_OUT } from './bundle';
import { REPO_ROOT } from './tools';
import { makeExamplesWorkspace } from './workspace';

async function main(): Promise<number> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  }
  const suiteIndex = await bundleSuite();
  const workspace = makeExamplesWorkspace();
  try {
    const code = await runTests({
      version: process.env.BACKPROP_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suiteIndex,
      // Only our extension, a throwaway copy of the examples, no trust prompt.
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
    return code;
  } catch (error) {
    // runTests rejects when the tests fail (mocha's output is already on stdout) as well as when
    // VS Code cannot be downloaded or started.
    console.error(`[harness] ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    rmSync(dirname(workspace), { recursive: true, force: true });
    rmSync(SUITE_OUT, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[harness] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
