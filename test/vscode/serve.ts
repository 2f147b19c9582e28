/**
 * `npm start` without a desktop VS Code: code-server on 127.0.0.1 with the packaged .vsix, the
 * examples folder open, buy-apple.backprop in the editor and the stepper beside it. Prints one line
 * with the URL and runs until Ctrl-C, then kills code-server's whole process group.
 *
 * The profile (settings, theme, installed .vsix) lives in the tool cache and is kept between runs:
 * settings the user made there win over the defaults written here; the .vsix is reinstalled only
 * when it changed.
 *
 *   BACKPROP_PORT=8080            the port (default: a free one)
 *   BACKPROP_START_PROFILE=DIR    the profile folder (default: <cache>/start-profile)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installVsix, setSignalExitCode, startCodeServer } from './codeServer';
import { CACHE_DIR, ensureTools, REPO_ROOT } from './tools';
import { vsixPath } from './ui/workbench';

/** What npm start's profile starts with; the user's own settings in the profile win. */
const START_SETTINGS: Record<string, unknown> = {
  // An open, empty secondary side bar squeezes the stepper beside the editor.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.editor.enablePreview': false,
};

/** Installs the .vsix into the kept extensions folder unless that exact file is installed already. */
async function installIfChanged(vsix: string, root: string): Promise<string> {
  const extensionsDir = join(root, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const stamp = join(root, 'installed-vsix.sha256');
  const hash = createHash('sha256').update(readFileSync(vsix)).digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) {
    await installVsix(vsix, extensionsDir, join(root, 'install-profile'));
    writeFileSync(stamp, hash);
  }
  return extensionsDir;
}

async function main(): Promise<void> {
  ensureTools();
  const root = process.env.BACKPROP_START_PROFILE ?? join(CACHE_DIR, 'start-profile');
  mkdirSync(root, { recursive: true });
  const extensionsDir = await installIfChanged(vsixPath(), root);
  const port = process.env.BACKPROP_PORT ? Number(process.env.BACKPROP_PORT) : undefined;
  const server = await startCodeServer({
    root,
    extensionsDir,
    port,
    settings: START_SETTINGS,
    keepUserSettings: true,
    // The extension opens the stepper beside the first .backprop editor (src/extension.ts).
    env: { BACKPROP_OPEN_STEPPER: '1' },
  });
  const examples = join(REPO_ROOT, 'examples');
  const file = `vscode-remote://${server.authority}${join(examples, 'buy-apple.backprop')}`;
  const url = `${server.origin}/?folder=${encodeURIComponent(examples)}&payload=${encodeURIComponent(JSON.stringify([['openFile', file]]))}`;
  console.log(`Backprop Stepper is running in code-server (VS Code in the browser); open ${url}  (Ctrl-C stops it)`);
  // Stays up until a signal: startCodeServer's exit hook kills the process group on SIGINT/SIGTERM.
  setSignalExitCode(0);
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
