/**
 * The web extension: src/extension.ts bundled for the browser (as scripts/build.mjs does for
 * dist/web/extension.js) needs nothing but `vscode`, and activates in a context that has only
 * browser globals (no `process`, `Buffer`, `require` of Node modules), registering every command.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as vm from 'node:vm';
import * as esbuild from 'esbuild';

interface Call {
  path: string;
  args: unknown[];
}

/**
 * A stand-in for the `vscode` module: every property is another stand-in, every call and `new`
 * is recorded and gives a stand-in back. Enough for activation code to run through.
 */
function standIn(path: string, calls: Call[]): unknown {
  const own = new Map<PropertyKey, unknown>();
  const target = function () {
    /* callable */
  };
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === Symbol.iterator) return function* () {
        /* empty */
      };
      if (!own.has(prop)) own.set(prop, standIn(`${path}.${String(prop)}`, calls));
      return own.get(prop);
    },
    set(_t, prop, value) {
      own.set(prop, value);
      return true;
    },
    apply(_t, _this, args: unknown[]) {
      calls.push({ path, args });
      return standIn(`${path}()`, calls);
    },
    construct(_t, args: unknown[]) {
      calls.push({ path: `new ${path}`, args });
      return standIn(`new ${path}`, calls) as object;
    },
  });
}

let code = '';

describe('host web bundle', () => {
  before(async () => {
    const out = await esbuild.build({
      entryPoints: [new URL('../../../src/extension.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'cjs',
      target: 'es2022',
      external: ['vscode', 'node:worker_threads'],
      define: { 'process.env.BACKPROP_WEB': '"1"' },
      alias: { events: './src/debug/web/events.ts', url: './src/debug/web/url.ts' },
      absWorkingDir: new URL('../../..', import.meta.url).pathname,
      logLevel: 'silent',
    });
    code = out.outputFiles[0].text;
  });

  it('requires only vscode and uses no Node globals', () => {
    const required = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    required.delete('node:worker_threads'); // the training helper's dynamic import, never reached on the web
    assert.deepEqual([...required], ['vscode']);
    // @vscode/debugadapter's stdio transport and its Windows path conversion use Buffer and
    // process.platform; inline (DebugAdapterInlineImplementation) it only passes message objects,
    // so that code is never reached in the web host. Everything else must not use Node globals
    // (Node's Buffer, not the browser's ArrayBuffer, which fflate's zip code uses).
    const ours = code
      .split(/^(?=\/\/ (?:node_modules|src)\/)/m)
      .filter((section) => !section.startsWith('// node_modules/@vscode/debugadapter/lib/'))
      .join('');
    assert.ok(code.includes('// node_modules/@vscode/debugadapter/lib/protocol.js'), 'the debug adapter library is in the web bundle');
    for (const g of [/(?<![\w$])Buffer\./, /__dirname/, /__filename/, /process\.cwd/, /process\.platform/]) {
      assert.ok(!g.test(ours), `the web bundle uses ${g.source}`);
    }
  });

  it('activates with browser globals only and registers every stepping command', () => {
    const calls: Call[] = [];
    // A plain object with the API's names (esbuild's CommonJS interop copies own properties).
    const names = 'commands workspace window languages env l10n Uri EventEmitter Disposable ThemeColor ThemeIcon TreeItem TreeItemCollapsibleState Range Position Diagnostic DiagnosticSeverity Hover InlayHint MarkdownString CodeLens StatusBarAlignment OverviewRulerLane ViewColumn TextEditorRevealType QuickPickItemKind FileType ConfigurationTarget ProgressLocation CancellationTokenSource debug DebugAdapterInlineImplementation';
    const vscode = Object.fromEntries(names.split(' ').map((n) => [n, standIn(`vscode.${n}`, calls)]));
    const module = { exports: {} as Record<string, unknown> };
    const sandbox = {
      module,
      exports: module.exports,
      require: (name: string) => {
        if (name === 'vscode') return vscode;
        throw new Error(`the web bundle required ${name}`);
      },
      console,
      setTimeout,
      clearTimeout,
      queueMicrotask,
      TextDecoder,
      TextEncoder,
      URL,
      crypto: globalThis.crypto,
      // Web workers and pages have the High Resolution Time API (the extension times its own activation).
      performance: globalThis.performance,
    };
    vm.runInNewContext(code, sandbox, { filename: 'web-extension.js' });
    const activate = module.exports.activate as (ctx: unknown) => { session: unknown; panelOpen: unknown };
    assert.equal(typeof activate, 'function');
    const context = { subscriptions: [] as unknown[], extensionUri: standIn('extensionUri', calls), globalStorageUri: standIn('globalStorageUri', calls), storageUri: undefined };
    const api = activate(context);
    assert.equal(typeof api.session, 'function');
    assert.equal(typeof api.panelOpen, 'function');
    const registered = calls.filter((c) => c.path === 'vscode.commands.registerCommand').map((c) => c.args[0]);
    for (const id of ['openStepper', 'stepForward', 'stepBackward', 'previousStep', 'nextStep', 'runForward', 'runBackward', 'reset', 'goToStep', 'toggleComposite', 'openExample']) {
      assert.ok(registered.includes(`backprop.${id}`), `backprop.${id} registered`);
    }
    assert.ok(calls.some((c) => c.path === 'vscode.window.registerWebviewPanelSerializer' && c.args[0] === 'backprop.stepper'));
    assert.ok(calls.some((c) => c.path === 'vscode.window.createTreeView' && c.args[0] === 'backprop.nodes'));
    assert.ok(calls.some((c) => c.path === 'vscode.debug.registerDebugAdapterDescriptorFactory' && c.args[0] === 'backprop'), 'the inline debug adapter is registered');
    assert.ok(calls.some((c) => c.path === 'vscode.debug.registerDebugConfigurationProvider' && c.args[0] === 'backprop'));
    // The inline adapter answers DAP messages with browser globals only (the events/url shims).
    const factory = calls.find((c) => c.path === 'vscode.debug.registerDebugAdapterDescriptorFactory')?.args[1] as { createDebugAdapterDescriptor(): unknown };
    factory.createDebugAdapterDescriptor();
    const adapter = calls.find((c) => c.path === 'new vscode.DebugAdapterInlineImplementation')?.args[0] as {
      onDidSendMessage(listener: (m: { type: string; command?: string; body?: Record<string, unknown> }) => void): void;
      handleMessage(m: unknown): void;
    };
    const sent: { type: string; command?: string; body?: Record<string, unknown> }[] = [];
    adapter.onDidSendMessage((m) => sent.push(m));
    adapter.handleMessage({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'backprop', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' } });
    const init = sent.find((m) => m.type === 'response' && m.command === 'initialize');
    assert.equal(init?.body?.supportsStepBack, true);
    assert.ok(context.subscriptions.length > 10);
  });
});
