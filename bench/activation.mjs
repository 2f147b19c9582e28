// Measures the extension's activation the way a host would do it, without VS Code: a fresh Node
// process loads dist/extension.js (the production bundle) with `vscode` replaced by a permissive
// stub module, then calls activate(context). Prints one JSON line:
// {"loadMs": time to require the bundle, "activateMs": activate() until its promise settles, "ok": true}
// Run: node bench/activation.mjs [path/to/extension.js]
import Module, { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const bundle = resolve(process.argv[2] ?? 'dist/extension.js');

/** A stand-in for any vscode API object: callable, constructible, every property another stub. */
function stub(name) {
  const cache = new Map();
  const target = function () {};
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a thenable: `await stub` must not hang
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive) return (hint) => (hint === 'number' ? 0 : '');
      if (prop === 'toString' || prop === 'toJSON') return () => '';
      if (prop === 'length') return 0;
      if (!cache.has(prop)) cache.set(prop, stub(`${name}.${String(prop)}`));
      return cache.get(prop);
    },
    set(_t, prop, value) {
      cache.set(prop, value); // e.g. item.description = '…' on a constructed stub
      return true;
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
    has: () => true,
  });
}

// Bundlers copy the module's own properties (esbuild's __toESM), so the module is a plain object
// with every top-level name the real API declares, each a stub.
const require = createRequire(import.meta.url);
const dts = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
const vscode = {};
for (const m of dts.matchAll(/^\s*export (?:namespace|class|enum|const|let|function) (\w+)/gm)) vscode[m[1]] ??= stub(m[1]);
const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  return originalLoad.call(this, request, parent, isMain);
};

const memento = () => ({ get: (_k, d) => d, update: async () => {}, keys: () => [], setKeysForSync: () => {} });
const context = {
  subscriptions: [],
  extensionPath: resolve('.'),
  extensionUri: stub('extensionUri'),
  asAbsolutePath: (p) => resolve(p),
  globalState: memento(),
  workspaceState: memento(),
  secrets: stub('secrets'),
  storageUri: undefined,
  globalStorageUri: stub('globalStorageUri'),
  logUri: stub('logUri'),
  extensionMode: 1,
  extension: stub('extension'),
  environmentVariableCollection: stub('environmentVariableCollection'),
};

const t0 = performance.now();
const ext = require(bundle);
const t1 = performance.now();
let ok = true;
let error;
try {
  await ext.activate(context);
} catch (e) {
  ok = false;
  error = String(e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e);
}
const t2 = performance.now();
console.log(JSON.stringify({ loadMs: t1 - t0, activateMs: t2 - t1, ok, error, subscriptions: context.subscriptions.length }));
process.exit(0);
