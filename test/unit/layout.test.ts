/**
 * test/unit mirrors the source folders: the tests of src/engine/train/ are in
 * test/unit/engine/train/, of webview/train/ in test/unit/webview/train/, and so on. Only tests
 * of files and folders at the repository's root (eslint.config.mjs, package.json, l10n/) and
 * helpers several folders share sit at the root of test/unit.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const UNIT = join(ROOT, 'test', 'unit');

/** The files at the root of test/unit, each with what it is about. */
const AT_ROOT: Record<string, string> = {
  'layout.test.ts': 'this file: the layout of test/unit',
  'lint-layers.test.ts': "eslint.config.mjs: the layering of src/",
  'manifest.test.ts': 'package.json, its translations and the grammar',
  'l10n-bundles.test.ts': 'l10n/: every UI string in the English and the Korean bundle',
  'limits-helpers.ts': 'time and memory bounds, used by engine/ and language/',
};

function folders(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((p) => statSync(p).isDirectory())
    .flatMap((p) => [p, ...folders(p)]);
}

describe('test/unit mirrors the source folders', () => {
  it('every folder of test/unit is a folder of src/ or webview/', () => {
    const stray = folders(UNIT)
      .map((p) => relative(UNIT, p))
      .filter((rel) => !existsSync(join(ROOT, 'src', rel)) && !(rel.startsWith('webview') && existsSync(join(ROOT, rel))));
    assert.deepEqual(stray, []);
  });

  it('only tests of root files and shared helpers sit at the root of test/unit', () => {
    const files = readdirSync(UNIT).filter((name) => statSync(join(UNIT, name)).isFile());
    assert.deepEqual(files.filter((name) => !(name in AT_ROOT)), [], 'move these into the folder of what they test');
  });
});
