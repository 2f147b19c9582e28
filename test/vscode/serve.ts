/**
 * `npm start` without a desktop VS Code: code-server on 127.0.0.1 with the packaged .vsix installed
 * into a fresh profile, the examples folder open and buy-apple.backprop in the editor. Prints the
 * URL and runs until Ctrl-C, then kills code-server's whole process group.
 *
 *   BACKPROP_PORT=8080 to pick the port (default: a free one).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { installVsix, makeTempRoot, setSignalExitCode, startCodeServer } from './codeServer';
import { ensureTools, REPO_ROOT } from './tools';
import { vsixPath } from './ui/workbench';

async function main(): Promise<void> {
  ensureTools();
  const root = makeTempRoot('backprop-start-');
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  const extensionsDir = join(root, 'extensions');
  await installVsix(vsixPath(), extensionsDir, join(root, 'install-profile'));
  const port = process.env.BACKPROP_PORT ? Number(process.env.BACKPROP_PORT) : undefined;
  const server = await startCodeServer({ root, extensionsDir, port });
  const examples = join(REPO_ROOT, 'examples');
  const file = `vscode-remote://${server.authority}${join(examples, 'buy-apple.backprop')}`;
  const url = `${server.origin}/?folder=${encodeURIComponent(examples)}&payload=${encodeURIComponent(JSON.stringify([['openFile', file]]))}`;
  console.log('\nBackprop Stepper is running in code-server (VS Code in the browser). Open:\n');
  console.log(`  ${url}\n`);
  console.log('Then run "Backprop: Open Stepper" from the command palette (F1). Press Ctrl-C to stop.');
  // Stays up until a signal: startCodeServer's exit hook kills the process group on SIGINT/SIGTERM.
  setSignalExitCode(0);
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
