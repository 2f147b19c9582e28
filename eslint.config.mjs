// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layering of src/ (README, "How it is built"): each folder imports only the folders listed
 * for it (and its own files); `typeOnly` folders only with `import type`. Imports point down:
 * engine ← language ← trace ← node ← cli ← debug ← host ← extension.ts; shared, workers and webview
 * sit beside them as listed. Checked on the import's path as written (relative paths), by
 * @typescript-eslint/no-restricted-imports; test/unit/lint-layers.test.ts proves each rule bites.
 */
const LAYERS = ['engine', 'language', 'trace', 'shared', 'node', 'cli', 'debug', 'workers', 'host'];

/** @type {Record<string, { files: string[], may: string[], typeOnly?: string[], vscode?: boolean, nodeBuiltins?: boolean }>} */
const LAYERING = {
  engine: { files: ['src/engine/**/*.ts'], may: [] },
  language: { files: ['src/language/**/*.ts'], may: ['engine'] },
  trace: { files: ['src/trace/**/*.ts'], may: ['engine', 'language'] },
  shared: { files: ['src/shared/**/*.ts'], may: [], typeOnly: ['engine', 'language'] },
  node: { files: ['src/node/**/*.ts'], may: ['engine', 'language', 'trace'], nodeBuiltins: true },
  cli: { files: ['src/cli/**/*.ts'], may: ['engine', 'language', 'trace', 'shared', 'node'], nodeBuiltins: true },
  debug: { files: ['src/debug/**/*.ts'], may: ['engine', 'language', 'shared', 'cli'] },
  workers: { files: ['src/workers/**/*.ts'], may: ['engine', 'language', 'shared'], nodeBuiltins: true },
  host: { files: ['src/host/**/*.ts'], may: ['engine', 'language', 'trace', 'shared', 'node', 'cli', 'debug', 'workers'], vscode: true, nodeBuiltins: true },
  // The entry points at the root of src/: only the extension's may import the host.
  extension: { files: ['src/extension.ts'], may: LAYERS, vscode: true, nodeBuiltins: true },
  entries: { files: ['src/cli.ts', 'src/debugAdapter.ts'], may: LAYERS.filter((l) => l !== 'host'), nodeBuiltins: true },
};

const NODE_BUILTINS = { regex: '^node:', message: 'Node built-ins only in src/node, src/cli, src/workers, src/host and the entry points: this code also runs in the browser.' };

/**
 * A relative import of the folder `layer` of src/: from the entry points at the root, './host/…';
 * from a folder, at any depth, '../host/…' (src/engine/train/x.ts: '../../language/limits').
 */
const layerRegex = (layer, fromRoot) => (fromRoot ? `^\\./${layer}(/|$)` : `^(\\.\\./)+${layer}(/|$)`);

/** @param {string} name */
function layerRule(name) {
  const { may, typeOnly = [], vscode = false, nodeBuiltins = false } = LAYERING[name];
  const fromRoot = name === 'extension' || name === 'entries';
  const self = fromRoot ? [] : [name];
  const patterns = [
    ...LAYERS.filter((l) => !may.includes(l) && !self.includes(l)).map((l) => ({
      regex: layerRegex(l, fromRoot),
      allowTypeImports: typeOnly.includes(l),
      message: `src/${fromRoot ? '*.ts' : name} must not import src/${l}${typeOnly.includes(l) ? ' (only `import type`)' : ''}: see the layering table in README.md.`,
    })),
    { regex: '(^|/)webview(/|$)', message: 'Only the webview bundle imports webview/: the host sends it messages (src/shared/protocol.ts).' },
    ...(nodeBuiltins ? [] : [NODE_BUILTINS]),
  ];
  const paths = vscode ? [] : [{ name: 'vscode', message: 'Only src/host and src/extension.ts import vscode: the engine, language, CLI, debugger and webview run without it.' }];
  return { files: LAYERING[name].files, rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] } };
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-artifacts/**', '.cache/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  ...Object.keys(LAYERING).map(layerRule),
  {
    // The webview: its own files and src/shared, nothing else of src/ (it is a browser page).
    files: ['webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview must not import vscode: it talks to the host through postMessage.' }],
          patterns: [{ regex: '^(\\.\\./)+src/(?!shared/)', message: 'webview/ imports only src/shared of src/: see the layering table in README.md.' }, NODE_BUILTINS],
        },
      ],
    },
  },
);
