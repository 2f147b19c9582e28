// npm run package: production build, then `vsce package --no-dependencies` (everything the extension
// needs is bundled by esbuild) into backprop-stepper-VERSION.vsix at the repo root.
// vsce's full output is kept in out/vsce-package.log: the package test checks it has no warnings.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = `${name}-${version}.vsix`;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  process.stdout.write(output);
  if (r.status !== 0) {
    console.error(`[package] ${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
  return output;
}

run(process.execPath, ['scripts/build.mjs', '--production']);
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const log = run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix]);
mkdirSync(join(root, 'out'), { recursive: true });
writeFileSync(join(root, 'out', 'vsce-package.log'), log);
console.log(`[package] wrote ${vsix}`);
