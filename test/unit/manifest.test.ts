/**
 * The extension manifest, its translations and the grammar: commands and views everyone relies on,
 * every user-visible string in English and Korean, a real 128×128 PNG icon, a grammar that compiles.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';

const root = new URL('../../', import.meta.url);
const read = (p: string): string => readFileSync(new URL(p, root), 'utf8');
const json = (p: string): Record<string, unknown> => JSON.parse(read(p)) as Record<string, unknown>;

interface Command {
  command: string;
  title: string;
  category?: string;
  icon?: string;
  enablement?: string;
}
interface Pkg {
  contributes: {
    commands: Command[];
    menus: Record<string, { command?: string; when?: string }[]>;
    keybindings: { command: string; key: string; when?: string }[];
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; path: string; scopeName: string }[];
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    walkthroughs: { steps: { media: { markdown?: string } }[] }[];
  };
  activationEvents: string[];
  categories: string[];
  icon: string;
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[] }; virtualWorkspaces: boolean };
  l10n: string;
}

const pkg = json('package.json') as unknown as Pkg;
const nls = json('package.nls.json') as Record<string, string>;
const nlsKo = json('package.nls.ko.json') as Record<string, string>;
const resolve = (s: string): string => s.replace(/^%(.+)%$/, (_m, k: string) => nls[k] ?? `<missing ${k}>`);

const COMMANDS: Record<string, string> = {
  'backprop.openStepper': 'Open Stepper',
  'backprop.stepForward': 'Step Forward',
  'backprop.stepBackward': 'Step Backward',
  'backprop.previousStep': 'Previous Step',
  'backprop.nextStep': 'Next Step',
  'backprop.runForward': 'Run Forward Pass',
  'backprop.runBackward': 'Run Backward Pass',
  'backprop.reset': 'Reset',
  'backprop.goToStep': 'Go to Step…',
  'backprop.toggleComposite': 'Toggle Composite Layers',
  'backprop.openExample': 'Open Example…',
};

describe('host manifest', () => {
  it('contributes every agreed command with its title, category "Backprop" and an icon', () => {
    const byId = new Map(pkg.contributes.commands.map((c) => [c.command, c]));
    for (const [id, title] of Object.entries(COMMANDS)) {
      const c = byId.get(id);
      assert.ok(c, `${id} is contributed`);
      assert.equal(resolve(c.title), title);
      assert.equal(resolve(c.category ?? ''), 'Backprop');
      assert.match(c.icon ?? '', /^\$\([a-z-]+\)$/, `${id} has a codicon`);
    }
  });

  it('menus and keybindings only name contributed commands, and enablement uses our context keys', () => {
    const ids = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const it of items) if (it.command) assert.ok(ids.has(it.command), `${menu}: ${it.command}`);
    }
    for (const k of pkg.contributes.keybindings) {
      assert.ok(ids.has(k.command), k.command);
      assert.ok(k.when && /backprop/.test(k.when), `${k.key} is scoped to .backprop editors or the panel`);
    }
    for (const c of pkg.contributes.commands) {
      if (c.enablement) assert.match(c.enablement, /^backprop\.[A-Za-z]+$/);
    }
    const titleMenu = pkg.contributes.menus['editor/title'] ?? [];
    assert.ok(titleMenu.some((m) => m.when?.includes("activeWebviewPanelId == 'backprop.stepper'")));
    assert.ok(titleMenu.some((m) => m.when?.includes('editorLangId == backprop')));
  });

  it('declares the language, grammar, views, activation and capabilities', () => {
    const lang = pkg.contributes.languages.find((l) => l.id === 'backprop');
    assert.ok(lang);
    assert.deepEqual(lang.extensions, ['.backprop']);
    assert.ok(pkg.contributes.grammars.some((g) => g.language === 'backprop' && g.scopeName === 'source.backprop'));
    assert.deepEqual(pkg.categories, ['Education', 'Machine Learning', 'Visualization']);
    assert.ok(pkg.contributes.viewsContainers.activitybar.some((c) => c.id === 'backprop'));
    assert.deepEqual(
      pkg.contributes.views.backprop.map((v) => [v.id, resolve(v.name)]),
      [
        ['backprop.nodes', 'Nodes'],
        ['backprop.examples', 'Examples'],
      ],
    );
    for (const e of ['onLanguage:backprop', 'onWebviewPanel:backprop.stepper']) assert.ok(pkg.activationEvents.includes(e), e);
    // Everything but tracing Python (which runs the script) works in an untrusted workspace.
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['backprop.python.path']);
    assert.equal(pkg.capabilities.virtualWorkspaces, true);
    assert.equal(pkg.l10n, './l10n');
    for (const step of pkg.contributes.walkthroughs[0].steps) if (step.media.markdown) read(step.media.markdown);
  });

  it('has every %key% of package.json in English and Korean', () => {
    const keys = [...read('package.json').matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(keys.length > 20);
    for (const k of keys) {
      assert.ok(nls[k], `package.nls.json has ${k}`);
      assert.ok(nlsKo[k], `package.nls.ko.json has ${k}`);
    }
    assert.deepEqual(Object.keys(nlsKo).sort(), Object.keys(nls).sort());
    assert.equal(nlsKo['command.stepBackward'], '역전파 한 단계');
  });

  it('translates every UI string of the host to Korean', () => {
    const bundle = json('l10n/bundle.l10n.ko.json') as Record<string, string>;
    const files = ['src/extension.ts', ...['src/host/', 'src/debug/'].flatMap((d) => readdirSync(new URL(d, root)).filter((f) => f.endsWith('.ts')).map((f) => `${d}${f}`))];
    const used = new Set<string>();
    for (const f of files) {
      const src = read(f);
      // vscode.l10n.t('…') and the translate parameter t('…') of the pure helpers.
      for (const m of src.matchAll(/(?<![A-Za-z0-9_])t\(\s*'((?:[^'\\]|\\.)*)'/g)) used.add(m[1].replace(/\\'/g, "'"));
      for (const m of src.matchAll(/(?<![A-Za-z0-9_])t\(\s*"((?:[^"\\]|\\.)*)"/g)) used.add(m[1].replace(/\\"/g, '"'));
    }
    assert.ok(used.size > 20, `found ${used.size} strings`);
    for (const s of used) {
      assert.ok(bundle[s], `l10n/bundle.l10n.ko.json translates ${JSON.stringify(s)}`);
      const holes = (x: string) => [...x.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort().join();
      assert.equal(holes(bundle[s]), holes(s), `placeholders of ${JSON.stringify(s)}`);
    }
  });

  it('has a 128×128 PNG icon', () => {
    const png = readFileSync(new URL(pkg.icon, root));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.equal(png.readUInt32BE(16), 128);
    assert.equal(png.readUInt32BE(20), 128);
  });
});

describe('host grammar and language configuration', () => {
  type Rule = { match?: string; name?: string; patterns?: Rule[]; captures?: Record<string, { name: string }> };
  const grammar = json('syntaxes/backprop.tmLanguage.json') as { scopeName: string; repository: Record<string, Rule> };
  const all: Rule[] = [];
  const walk = (r: Rule) => {
    all.push(r);
    r.patterns?.forEach(walk);
  };
  Object.values(grammar.repository).forEach(walk);
  // Oniguruma reads \p{L} like a JavaScript regular expression with the u flag.
  const rule = (name: string): RegExp => new RegExp(grammar.repository[name].match ?? '', 'u');

  it('compiles every pattern', () => {
    for (const r of all) if (r.match) assert.doesNotThrow(() => new RegExp(r.match as string, 'u'), r.match);
    assert.equal(grammar.scopeName, 'source.backprop');
  });

  it('recognises comments, numbers, seed, assignment targets and layer functions', () => {
    assert.equal(rule('comment').exec('x = 1  # 사과')?.[0], '# 사과');
    const num = new RegExp(rule('number').source, 'gu');
    assert.deepEqual('1 2.5 1e-3 .5 x2'.match(num), ['1', '2.5', '1e-3', '.5']);
    assert.equal(rule('seed').exec('seed 42')?.[2], '42');
    assert.equal(rule('assignment').exec('apple_price = apple * apple_num')?.[1], 'apple_price');
    assert.equal(rule('assignment').exec('a == b'), null);
    assert.equal(rule('assignment').exec('사과_가격 = 사과 * 개수')?.[1], '사과_가격', 'Korean names, as the language allows');
    assert.deepEqual('사과 * x2'.match(new RegExp(rule('name').source, 'gu')), ['사과', 'x2']);
    const fn = grammar.repository['function-call'].patterns?.[0].match ?? '';
    assert.equal(new RegExp(fn, 'u').exec('y = softmax_with_loss(x, t)')?.[1], 'softmax_with_loss');
  });

  it('recognises augmented assignments, strings and load()', () => {
    assert.deepEqual(['x *= 2', 'x += 1', 'x @= W', 'x **= 2', 'x -= y', 'x /= 2'].map((l) => rule('assignment').exec(l)?.[2]), ['*=', '+=', '@=', '**=', '-=', '/=']);
    const str = grammar.repository.string.patterns?.map((p) => new RegExp(p.match ?? '', 'u')) ?? [];
    assert.equal(str[0].exec('W1 = load("w.npz", "W1")')?.[0], '"w.npz"');
    assert.equal(str[1].exec("x = load('x.npy')")?.[0], "'x.npy'");
    const ctor = grammar.repository['function-call'].patterns?.[1].match ?? '';
    assert.equal(new RegExp(ctor, 'u').exec('x = load("x.npy")')?.[1], 'load');
  });

  it('comments with # and pairs brackets', () => {
    const conf = json('language-configuration.json') as { comments: { lineComment: string }; brackets: string[][]; wordPattern: { pattern: string; flags: string } };
    assert.deepEqual('사과_가격 = 2.5'.match(new RegExp(conf.wordPattern.pattern, 'g' + conf.wordPattern.flags)), ['사과_가격', '2.5']);
    assert.equal(conf.comments.lineComment, '#');
    assert.deepEqual(conf.brackets, [
      ['(', ')'],
      ['[', ']'],
    ]);
  });
});
