/**
 * Checks the packaged .vsix (run `npm run package` first): small, only what ships, everything the
 * manifest points at is inside, and vsce packaged it without a warning.
 *
 *   npm run test:package
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { REPO_ROOT } from '../tools';
import { listZip, type ZipEntry } from '../zip';

const MAX_BYTES = 2 * 1024 * 1024;
const VSCE_LOG = join(REPO_ROOT, 'out', 'vsce-package.log');

function vsixFile(): string {
  const { name, version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return join(REPO_ROOT, `${name}-${version}.vsix`);
}

/** Every string in the manifest that names a file or folder of the repo (icons, grammars, walkthrough pages…). */
function manifestPaths(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') {
    const rel = value.replace(/^\.\//, '');
    if (/^[\w.-]+(\/[\w.-]+)*$/.test(rel) && rel.includes('/') && existsSync(join(REPO_ROOT, rel))) out.add(rel);
  } else if (Array.isArray(value)) {
    value.forEach((v) => manifestPaths(v, out));
  } else if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach((v) => manifestPaths(v, out));
  }
  return out;
}

/** Every file under a folder of the repo, as repo-relative paths with `/`. */
function repoFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? repoFiles(`${dir}/${d.name}`) : [`${dir}/${d.name}`],
  );
}

describe('the packaged .vsix', () => {
  let entries: ZipEntry[];
  let names: string[];
  const file = vsixFile();

  before(() => {
    assert.ok(existsSync(file), `${file} is missing: run \`npm run package\``);
    entries = listZip(file);
    names = entries.map((e) => e.name);
  });

  it('is under 2 MB', () => {
    const size = statSync(file).size;
    assert.ok(size < MAX_BYTES, `${size} bytes`);
  });

  it('holds no sources, tests, maps, node_modules or dev folders', () => {
    const bad = names.filter(
      (n) =>
        /\.(ts|tsx|map|mjs|vsix)$/.test(n) ||
        /^extension\/(src|test|out|bench|scripts|webview|node_modules|\.ci|\.vscode|test-artifacts)\//.test(n) ||
        /(^|\/)(tsconfig\.json|eslint\.config\.mjs|package-lock\.json|\.vscodeignore|\.gitignore)$/.test(n),
    );
    assert.deepEqual(bad, []);
  });

  it('holds the bundles, the manifest, README, CHANGELOG and LICENSE', () => {
    for (const required of [
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/web/extension.js',
      'extension/dist/webview/main.js',
      'extension/package.nls.json',
      'extension/package.nls.ko.json',
      'extension/readme.md',
      'extension/changelog.md',
      'extension/LICENSE.txt',
    ]) {
      assert.ok(
        names.some((n) => n.toLowerCase() === required.toLowerCase()),
        `${required} is not in the .vsix (${names.length} entries)`,
      );
    }
  });

  it('holds the Python tracer and every example file, without byte-code caches', () => {
    // .vscodeignore lets examples/ in by file type (see there): a new kind of file must be added to it
    const examples = repoFiles('examples').filter((f) => !f.includes('/__pycache__/'));
    assert.ok(examples.includes('examples/python/buy_apple.py'), 'examples/python has the apple example');
    const required = ['python/backprop_trace.py', 'python/TRACE_FORMAT.md', ...examples];
    const missing = required.filter((f) => !names.includes(`extension/${f}`));
    assert.deepEqual(missing, [], 'not packaged');
    assert.deepEqual(names.filter((n) => /__pycache__|\.pyc$/.test(n)), []);
    assert.deepEqual(names.filter((n) => n.startsWith('extension/python/') && !required.includes(n.slice('extension/'.length))), []);
  });

  it('holds every file the manifest points at', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const { contributes, icon, main, browser, l10n } = manifest;
    const paths = manifestPaths({ contributes, icon, main, browser, l10n }, new Set());
    assert.ok(paths.size > 0, 'the manifest names no files');
    const missing = [...paths].filter((p) => !names.some((n) => n === `extension/${p}` || n.startsWith(`extension/${p}/`)));
    assert.deepEqual(missing, [], 'named in package.json but not packaged');
  });

  it('holds every bundle the build wrote, but the command-line tool', () => {
    const bundles = repoFiles('dist').filter((f) => f !== 'dist/cli.js' && !f.endsWith('.map'));
    assert.ok(bundles.includes('dist/extension.js'), 'dist/ was built');
    const missing = bundles.filter((f) => !names.includes(`extension/${f}`));
    assert.deepEqual(missing, [], 'built but not packaged (the extension loads these at run time)');
  });

  it('was packaged by vsce without warnings', () => {
    assert.ok(existsSync(VSCE_LOG), `${VSCE_LOG} is missing: run \`npm run package\``);
    const log = readFileSync(VSCE_LOG, 'utf8');
    assert.match(log, /DONE\s+Packaged/);
    const warnings = log.split('\n').filter((l) => /WARNING|\bwarn/i.test(l));
    assert.deepEqual(warnings, []);
  });
});
