// npm start: open the extension on examples/buy-apple.backprop in a real VS Code: the desktop `code`
// command with --extensionDevelopmentPath where one is installed, otherwise code-server on
// 127.0.0.1 (installed into a cache by scripts/setup-vscode.sh) with the packaged .vsix, printing
// one line with the URL and running until Ctrl-C.
//
// The build and the .vsix are made again only when one of their inputs is newer than the .vsix;
// their output is shown only when they fail.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sample = join(root, 'examples', 'buy-apple.backprop');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, `${name}-${version}.vsix`);

/** What the bundles and the .vsix are made from (more than that only costs a needless rebuild). */
const INPUTS = [
  'src', 'webview', 'media', 'examples', 'walkthrough', 'l10n', 'syntaxes', 'python',
  'package.json', 'package-lock.json', 'package.nls.json', 'package.nls.ko.json', 'language-configuration.json',
  'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'tsconfig.json', 'scripts/build.mjs', 'scripts/package.mjs',
];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why the .vsix must be made (again), or undefined when it is up to date. */
function staleReason() {
  if (!existsSync(vsix) || !existsSync(join(root, 'dist', 'extension.js'))) return 'first run';
  const built = statSync(vsix).mtimeMs;
  return INPUTS.every((p) => newestMtime(join(root, p)) <= built) ? undefined : 'sources changed';
}

function must(cmd, args, quiet = false) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', encoding: 'utf8' });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    console.error(`[start] ${cmd} ${args.join(' ')} failed`);
    process.exit(r.status ?? 1);
  }
}

const reason = staleReason();
if (reason) {
  console.log(`[start] building and packaging the extension (${reason})…`);
  must(process.execPath, ['scripts/package.mjs'], true);
}

const hasCode = !process.env.BACKPROP_NO_CODE && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode) {
  console.log(`[start] code --extensionDevelopmentPath=${root} ${sample}`);
  must('code', [`--extensionDevelopmentPath=${root}`, join(root, 'examples'), sample]);
} else {
  // Quiet when the tools are cached; progress lines while it installs them (first run).
  const setup = spawnSync('bash', ['scripts/setup-vscode.sh'], { cwd: root, stdio: 'inherit', env: { ...process.env, BACKPROP_SETUP_QUIET: '1' } });
  if (setup.status !== 0) process.exit(setup.status ?? 1);
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/vscode/serve.ts'], { cwd: root, stdio: 'inherit' });
  // Ctrl-C reaches the child too (same terminal process group); wait for it to clean up.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 0 : 1)));
}
