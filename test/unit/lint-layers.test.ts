/**
 * The layering of src/ (README, "How it is built") is kept by ESLint (eslint.config.mjs). These
 * tests lint small fixtures through ESLint's Node API, as `npm run lint` would at that path, and
 * check that each rule reports an import against the layering — and only such imports — and that
 * every source file sits in a folder the rules cover.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = join(import.meta.dirname, '..', '..');
const RULE = '@typescript-eslint/no-restricted-imports';
const eslint = new ESLint({ cwd: ROOT });

/** The messages of the layering rule for `code` linted as the file `path` (relative to the root). */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  assert.ok(result, `no lint result for ${path}`);
  const others = result.messages.filter((m) => m.ruleId !== RULE);
  assert.deepEqual(others, [], `the fixture for ${path} should trip no other rule`);
  return result.messages.map((m) => m.message);
}

/** One import of `spec` (a value import unless `type`), used so that no other rule complains. */
const importOf = (spec: string, type = false): string => `import ${type ? 'type ' : ''}{ x } from '${spec}';\nexport type Y = typeof x;\n`;

/** [file, import, what the rule forbids]: each must be reported. */
const FORBIDDEN: [string, string, RegExp][] = [
  ['src/engine/tensor2.ts', '../language/limits', /src\/engine must not import src\/language/],
  ['src/engine/train/x.ts', '../../language/limits', /src\/engine must not import src\/language/],
  ['src/engine/x.ts', '../host/session', /src\/engine must not import src\/host/],
  ['src/engine/x.ts', '../cli/io', /src\/engine must not import src\/cli/],
  ['src/engine/x.ts', '../shared/protocol', /src\/engine must not import src\/shared/],
  ['src/engine/x.ts', '../trace/document', /src\/engine must not import src\/trace/],
  ['src/engine/x.ts', '../debug/session', /src\/engine must not import src\/debug/],
  ['src/engine/x.ts', '../node/tracer', /src\/engine must not import src\/node/],
  ['src/engine/kernels/wasm/x.ts', '../../../../webview/model', /Only the webview bundle imports webview/],
  ['src/engine/x.ts', 'vscode', /Only src\/host and src\/extension.ts import vscode/],
  ['src/engine/x.ts', 'node:fs', /Node built-ins only in/],
  ['src/language/x.ts', '../host/session', /src\/language must not import src\/host/],
  ['src/language/x.ts', '../shared/protocol', /src\/language must not import src\/shared/],
  ['src/language/x.ts', '../trace/document', /src\/language must not import src\/trace/],
  ['src/language/x.ts', '../cli/io', /src\/language must not import src\/cli/],
  ['src/language/x.ts', 'vscode', /import vscode/],
  ['src/shared/x.ts', '../engine/tensor', /src\/shared must not import src\/engine \(only `import type`\)/],
  ['src/shared/x.ts', '../language/limits', /src\/shared must not import src\/language \(only `import type`\)/],
  ['src/shared/x.ts', '../host/session', /src\/shared must not import src\/host/],
  ['webview/x.ts', '../src/engine/tensor', /webview\/ imports only src\/shared/],
  ['webview/train/x.ts', '../../src/host/panel', /webview\/ imports only src\/shared/],
  ['webview/x.ts', 'vscode', /The webview must not import vscode/],
  ['src/debug/x.ts', '../host/format', /src\/debug must not import src\/host/],
  ['src/cli/x.ts', '../host/session', /src\/cli must not import src\/host/],
  ['src/cli/x.ts', '../debug/session', /src\/cli must not import src\/debug/],
  ['src/trace/x.ts', '../cli/io', /src\/trace must not import src\/cli/],
  ['src/node/x.ts', '../cli/io', /src\/node must not import src\/cli/],
  ['src/workers/x.ts', '../host/train/commands', /src\/workers must not import src\/host/],
  ['src/workers/x.ts', 'vscode', /import vscode/],
  ['src/cli.ts', './host/session', /src\/\*\.ts must not import src\/host/],
  ['src/debugAdapter.ts', './host/debug', /src\/\*\.ts must not import src\/host/],
  ['src/host/x.ts', '../../webview/model', /Only the webview bundle imports webview/],
];

/** [file, import, type-only]: imports that follow the layering, reported by no rule. */
const ALLOWED: [string, string, boolean][] = [
  ['src/engine/x.ts', './tensor', false],
  ['src/engine/train/x.ts', '../tensor', false],
  ['src/language/x.ts', '../engine/graph', false],
  ['src/language/x.ts', './limits', false],
  ['src/trace/x.ts', '../language/limits', false],
  ['src/shared/x.ts', '../engine/tensor', true],
  ['src/shared/x.ts', '../language/limits', true],
  ['src/node/x.ts', 'node:fs', false],
  ['src/cli/x.ts', '../node/tracer', false],
  ['src/debug/x.ts', '../cli/lines', false],
  ['src/debug/x.ts', '../shared/format', false],
  ['src/workers/x.ts', '../language/index', false],
  ['src/host/x.ts', '../debug/session', false],
  ['src/host/train/x.ts', '../../workers/workerCore', false],
  ['src/host/x.ts', 'vscode', false],
  ['src/extension.ts', './host/panel', false],
  ['src/cli.ts', './cli/main', false],
  ['webview/x.ts', '../src/shared/protocol', false],
  ['webview/train/x.ts', '../../src/shared/protocol', false],
  ['webview/train/x.ts', '../dom', false],
];

describe('lint: the layering of src/', () => {
  for (const [file, spec, expected] of FORBIDDEN) {
    it(`${file}: import '${spec}' is reported`, async () => {
      const errors = await layerErrors(file, importOf(spec));
      assert.equal(errors.length, 1, `expected one layering error, got ${JSON.stringify(errors)}`);
      assert.match(errors[0], expected);
    });
  }

  it('a type-only import that is forbidden as a value is forbidden as a type too where no typeOnly applies', async () => {
    const errors = await layerErrors('src/engine/x.ts', importOf('../language/limits', true));
    assert.equal(errors.length, 1);
    assert.match(errors[0], /src\/engine must not import src\/language/);
  });

  for (const [file, spec, type] of ALLOWED) {
    it(`${file}: import ${type ? 'type ' : ''}'${spec}' is allowed`, async () => {
      assert.deepEqual(await layerErrors(file, importOf(spec, type)), []);
    });
  }

  it('every source file of src/ is in a folder of the layering (or is an entry point)', async () => {
    const files = execFileSync('git', ['ls-files', 'src/**/*.ts', 'src/*.ts', 'webview/**/*.ts'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    assert.ok(files.length > 50, `only ${files.length} files listed`);
    const uncovered: string[] = [];
    for (const f of files) {
      const config = (await eslint.calculateConfigForFile(join(ROOT, f))) as { rules?: Record<string, unknown> };
      const rule = config.rules?.[RULE];
      if (!Array.isArray(rule) || rule[0] !== 2) uncovered.push(f);
    }
    assert.deepEqual(uncovered, []);
  });
});
