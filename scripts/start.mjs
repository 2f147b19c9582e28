// npm start: build and package the extension, then open it on examples/buy-apple.backprop in a real
// VS Code: the desktop `code` command with --extensionDevelopmentPath where one is installed,
// otherwise code-server on 127.0.0.1 (installed into a cache by scripts/setup-vscode.sh) with the
// .vsix installed, printing the URL and running until Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sample = join(root, 'examples', 'buy-apple.backprop');

function must(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

must(process.execPath, ['scripts/package.mjs']);

const hasCode = !process.env.BACKPROP_NO_CODE && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode) {
  console.log(`[start] code --extensionDevelopmentPath=${root} ${sample}`);
  must('code', [`--extensionDevelopmentPath=${root}`, join(root, 'examples'), sample]);
} else {
  console.log('[start] no `code` command: using code-server');
  must('bash', ['scripts/setup-vscode.sh']);
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/vscode/serve.ts'], { cwd: root, stdio: 'inherit' });
  // Ctrl-C reaches the child too (same terminal process group); wait for it to clean up.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 0 : 1)));
}
