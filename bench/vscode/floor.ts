/**
 * The floor of bench:vscode's step latency: a minimal extension that does nothing but what any
 * stepping panel must do per key, generated into a temp folder, packaged with vsce and installed
 * into the extensions dir of the code-server the stepper is measured in (code-server loads one
 * `extensionDevelopmentPath` only: the stepper's), so both run in the same workbench and extension
 * host. It contributes a language for
 * `*.floor` files, the stepper's own keys (Alt+. / Alt+/ / Alt+,) while such a file is focused, and
 * "Floor: Open Panel": a webview in a third editor group, under the stepper's. Each key runs a
 * command that posts one small message `{ type: 'update', cursor }` to the webview, whose script
 * writes `#backprop-root[data-cursor]` and marks one element `[data-current]`, the two things the
 * benchmark waits for in the stepper. The same keys, the same workbench, the same clock: what the
 * stepper takes beyond this is its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installVsix } from '../../test/vscode/codeServer';
import { REPO_ROOT } from '../../test/vscode/tools';

export const FLOOR_FILE = 'floor.floor';
export const FLOOR_OPEN = 'Floor: Open Panel';
/** The floor's cursor starts here, so Alt+, (one step back) never goes below zero. */
export const FLOOR_START = 100_000;

const WHEN = 'editorLangId == floorbench';

/** Writes, packages and installs the floor extension under `root`; returns the extensions dir holding it. */
export async function installFloorExtension(root: string): Promise<string> {
  const dir = writeFloorExtension(root);
  const vsix = join(root, 'floor-webview.vsix');
  const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix], { cwd: dir, stdio: 'pipe' });
  const extensionsDir = join(root, 'floor-extensions');
  mkdirSync(extensionsDir, { recursive: true });
  await installVsix(vsix, extensionsDir, join(root, 'floor-install-profile'));
  return extensionsDir;
}

function writeFloorExtension(root: string): string {
  const dir = join(root, 'floor-webview');
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'floor-webview',
    publisher: 'bench',
    version: '0.0.1',
    engines: { vscode: '^1.95.0' },
    main: './extension.js',
    activationEvents: ['onLanguage:floorbench', 'onCommand:floor.open'],
    contributes: {
      languages: [{ id: 'floorbench', extensions: ['.floor'] }],
      commands: [{ command: 'floor.open', title: FLOOR_OPEN }],
      keybindings: [
        { key: 'alt+.', command: 'floor.step', args: 1, when: WHEN },
        { key: 'alt+/', command: 'floor.step', args: 1, when: WHEN },
        { key: 'alt+,', command: 'floor.step', args: -1, when: WHEN },
      ],
    },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'extension.js'), EXTENSION_JS);
  return dir;
}

const EXTENSION_JS = `const vscode = require('vscode');
let panel;
let cursor = ${FLOOR_START};
function html() {
  const nonce = String(Math.random()).slice(2);
  return '<!DOCTYPE html><html><head><meta charset="UTF-8">' +
    '<meta http-equiv="Content-Security-Policy" content="default-src \\'none\\'; script-src \\'nonce-' + nonce + '\\'">' +
    '</head><body><div id="backprop-root" data-floor="true" data-cursor="' + cursor + '"><span id="cur">step</span></div>' +
    '<script nonce="' + nonce + '">' +
    'const root = document.getElementById("backprop-root"); const cur = document.getElementById("cur");' +
    'window.addEventListener("message", (e) => { const m = e.data;' +
    ' if (!m || m.type !== "update" || typeof m.cursor !== "number") return;' +
    ' cur.textContent = "step " + m.cursor; cur.setAttribute("data-current", "true"); root.dataset.cursor = String(m.cursor); });' +
    '</script></body></html>';
}
exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('floor.open', async () => {
      if (panel) return;
      // Editor 1 | stepper above, this panel below (an eighth of the height).
      await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups: [{ size: 0.5 }, { size: 0.5, groups: [{ size: 0.88 }, { size: 0.12 }] }] });
      panel = vscode.window.createWebviewPanel('floor.panel', 'Floor', { viewColumn: vscode.ViewColumn.Three, preserveFocus: true }, { enableScripts: true });
      panel.webview.html = html();
      panel.onDidDispose(() => (panel = undefined));
    }),
    vscode.commands.registerCommand('floor.step', (delta) => {
      cursor += typeof delta === 'number' ? delta : 1;
      if (panel) void panel.webview.postMessage({ type: 'update', cursor });
    }),
  );
};
`;
