/**
 * Runs the extension-host mocha suite inside a real VS Code offline: code-server (VS Code 1.139)
 * with the smoke-test driver enabled, opened in headless chromium with a payload that names our
 * extension as the development extension and the bundled suite as extensionTestsPath, exactly what
 * `@vscode/test-electron` passes on the desktop. The workbench reports the suite's output through
 * `codeAutomationLog` and its result through `codeAutomationExit`.
 *
 *   node --import tsx test/vscode/runCodeServer.ts [--grep PATTERN]   (needs `npm run build` first)
 *   BACKPROP_TEST_TIMEOUT=seconds (default 300), BACKPROP_KEEP=1 keeps the temp profile.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './browser';
import { bundleSuite, SUITE_OUT } from './bundle';
import { makeTempRoot, startCodeServer } from './codeServer';
import { ensureTools, REPO_ROOT } from './tools';
import { makeExamplesWorkspace } from './workspace';

const REPORT_FILE = join(SUITE_OUT, 'report.txt');

function formatArgs(args: unknown): string {
  if (Array.isArray(args)) return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return typeof args === 'string' ? args : JSON.stringify(args);
}

async function main(): Promise<number> {
  const started = Date.now();
  if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  }
  ensureTools();
  const suiteIndex = await bundleSuite();
  rmSync(REPORT_FILE, { force: true });

  const root = makeTempRoot('backprop-ext-test-');
  const workspace = makeExamplesWorkspace(root);
  const server = await startCodeServer({ root, smokeTestDriver: true });
  const browser = await launchChromium();
  const timeoutMs = Number(process.env.BACKPROP_TEST_TIMEOUT ?? 300) * 1000;
  const log: string[] = [];
  try {
    const page = await browser.newPage();
    const exit = new Promise<number>((resolveExit) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const line = `[${type}] ${formatArgs(args)}`;
      log.push(line);
      if (process.env.BACKPROP_VERBOSE) console.log(line);
    });
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));

    const remote = (path: string): string => `vscode-remote://${server.authority}${path}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(REPO_ROOT)],
      ['extensionTestsPath', remote(suiteIndex)],
    ]);
    const url = `${server.origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
    await page.goto(url);

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolveTimeout) => {
      timer = setTimeout(() => resolveTimeout(-1), timeoutMs);
    });
    const code = await Promise.race([exit, timeout]);
    clearTimeout(timer);

    // The suite writes its own mocha report next to itself (see suite/index.ts): print that; fall
    // back to the workbench log when the suite never ran.
    if (existsSync(REPORT_FILE)) {
      process.stdout.write(readFileSync(REPORT_FILE, 'utf8'));
    } else {
      console.log('[harness] no mocha report was written; workbench log follows:');
      console.log(log.join('\n'));
    }
    if (code === -1) {
      console.log(`[harness] timed out after ${timeoutMs / 1000} s waiting for the extension tests (the report above stops where they hung)`);
      if (existsSync(REPORT_FILE)) console.log(log.slice(-20).join('\n'));
      return 1;
    }
    console.log(`[harness] extension-host tests exited with code ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (code !== 0 && process.env.BACKPROP_VERBOSE === undefined) {
      // Activation errors and the like show up as workbench errors; the offline gallery and auth
      // lookups always fail here and are noise.
      const errors = log.filter((l) => /^\[(error|pageerror)\]/.test(l) && !/ENOTFOUND|authentication provider/.test(l));
      if (errors.length > 0) console.log(`[harness] workbench errors:\n${errors.slice(-10).join('\n')}`);
    }
    return code === 0 ? 0 : 1;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop(Boolean(process.env.BACKPROP_KEEP));
    if (!process.env.BACKPROP_KEEP) {
      rmSync(root, { recursive: true, force: true });
      rmSync(SUITE_OUT, { recursive: true, force: true });
    } else console.log(`[harness] kept ${root} and ${SUITE_OUT}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[harness] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
