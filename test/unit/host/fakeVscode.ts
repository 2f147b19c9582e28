/**
 * A small stand-in for the `vscode` module, enough for the host's controller and views to run in
 * Node: it records what they send to the workbench (context keys, decorations, status bar
 * properties, tree and inlay-hint refreshes, webview messages, file writes) so tests can count it.
 * `installFakeVscode()` makes `require('vscode')` return it; import the host modules after that.
 */
import Module from 'node:module';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

const disposable = { dispose: () => undefined };

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
  isBefore(o: Position): boolean {
    return this.line < o.line || (this.line === o.line && this.character < o.character);
  }
  isEqual(o: Position): boolean {
    return this.line === o.line && this.character === o.character;
  }
  translate(dl: number, dc: number): Position {
    return new Position(this.line + dl, this.character + dc);
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    this.start = typeof a === 'number' ? new Position(a, b as number) : a;
    this.end = typeof a === 'number' ? new Position(c ?? 0, d ?? 0) : (b as Position);
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static parse(s: string): Uri {
    const i = s.indexOf(':');
    return new Uri(s.slice(0, i), s.slice(i + 1).replace(/^\/\//, ''));
  }
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...parts].join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export interface Counts {
  setContext: { key: string; value: unknown }[];
  setDecorations: number;
  statusBar: string[];
  treeRefresh: number;
  inlayRefresh: number;
  posted: { type: string }[];
  fileWrites: number;
  /** Diagnostics published (DiagnosticCollection.set calls). */
  diagnosticsSet: number;
}

export interface FakeDocument {
  uri: Uri;
  languageId: string;
  version: number;
  lineCount: number;
  /** How many times getText() was called. */
  textReads: number;
  getText(): string;
  /** An edit: the whole text replaced, the version one up (the fake fires no change event). */
  edit(text: string): void;
  lineAt(line: number): { text: string; range: Range };
  validateRange(r: Range): Range;
}

export function fakeDocument(path: string, text: string, languageId = 'backprop'): FakeDocument {
  let lines = text.split('\n');
  const doc: FakeDocument = {
    uri: Uri.file(path),
    languageId,
    version: 1,
    lineCount: lines.length,
    textReads: 0,
    getText: () => {
      doc.textReads++;
      return text;
    },
    lineAt: (line) => ({ text: lines[line] ?? '', range: new Range(line, 0, line, (lines[line] ?? '').length) }),
    validateRange: (r) => r,
    edit(next) {
      text = next;
      lines = next.split('\n');
      doc.lineCount = lines.length;
      doc.version++;
    },
  };
  return doc;
}

export interface FakeEditor {
  document: FakeDocument;
  viewColumn: number;
  setDecorations(type: unknown, ranges: readonly Range[]): void;
  decorations: readonly Range[];
}

/** Everything a test drives or reads. */
export interface Fake {
  counts: Counts;
  reset(): void;
  open(doc: FakeDocument): FakeEditor;
  /** The last webview panel made, and a way to post a message to the host as its webview would. */
  webview: { receive(message: unknown): void } | undefined;
  module: Record<string, unknown>;
  /** Settings by full name ('backprop.panel.animate'); absent: the default (undefined). */
  settings: Map<string, unknown>;
}

export function createFakeVscode(): Fake {
  const counts: Counts = { setContext: [], setDecorations: 0, statusBar: [], treeRefresh: 0, inlayRefresh: 0, posted: [], fileWrites: 0, diagnosticsSet: 0 };
  const docs: FakeDocument[] = [];
  const editors: FakeEditor[] = [];
  const settings = new Map<string, unknown>();
  const onOpen = new EventEmitter<FakeDocument>();
  const onActive = new EventEmitter<FakeEditor | undefined>();
  const onVisible = new EventEmitter<readonly FakeEditor[]>();
  const window: Record<string, unknown> = {
    activeTextEditor: undefined,
    visibleTextEditors: editors,
    onDidChangeActiveTextEditor: onActive.event,
    onDidChangeVisibleTextEditors: onVisible.event,
    onDidChangeTextEditorSelection: () => disposable,
    createTextEditorDecorationType: () => disposable,
    createStatusBarItem: () =>
      new Proxy({ dispose: () => undefined, show: () => counts.statusBar.push('show'), hide: () => counts.statusBar.push('hide') } as Record<string, unknown>, {
        set(target, prop, value) {
          counts.statusBar.push(String(prop));
          target[prop as string] = value;
          return true;
        },
      }),
    createTreeView: () => ({ visible: false, selection: [], onDidChangeSelection: () => disposable, reveal: async () => undefined, dispose: () => undefined }),
    createWebviewPanel: () => {
      const receive = new EventEmitter<unknown>();
      const panel = {
        visible: true,
        viewColumn: 2,
        title: '',
        iconPath: undefined,
        webview: {
          html: '',
          options: {},
          cspSource: 'vscode-resource:',
          asWebviewUri: (u: Uri) => u,
          onDidReceiveMessage: receive.event,
          postMessage: async (m: { type: string }) => {
            counts.posted.push(m);
            return true;
          },
        },
        onDidDispose: () => disposable,
        onDidChangeViewState: () => disposable,
        reveal: () => undefined,
        dispose: () => undefined,
      };
      fake.webview = { receive: (m) => receive.fire(m) };
      return panel;
    },
    showInformationMessage: async () => undefined,
    showErrorMessage: async () => undefined,
    showWarningMessage: async () => undefined,
  };
  const module: Record<string, unknown> = {
    EventEmitter,
    Position,
    Range,
    Selection: Range,
    Uri,
    Disposable: class {
      constructor(private readonly f: () => void) {}
      dispose(): void {
        this.f();
      }
    },
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    ThemeIcon: class {
      constructor(
        readonly id: string,
        readonly color?: unknown,
      ) {}
    },
    MarkdownString: class {
      value = '';
      appendMarkdown(s: string): this {
        this.value += s;
        return this;
      }
    },
    TreeItem: class {
      constructor(
        readonly label: string,
        readonly collapsibleState?: number,
      ) {}
    },
    InlayHint: class {
      constructor(
        readonly position: Position,
        readonly label: string,
      ) {}
    },
    Hover: class {
      constructor(
        readonly contents: unknown,
        readonly range?: Range,
      ) {}
    },
    Location: class {
      constructor(
        readonly uri: Uri,
        readonly range: Range,
      ) {}
    },
    DocumentSymbol: class {
      constructor(
        readonly name: string,
        readonly detail: string,
        readonly kind: number,
        readonly range: Range,
        readonly selectionRange: Range,
      ) {}
    },
    CodeLens: class {
      constructor(
        readonly range: Range,
        readonly command?: unknown,
      ) {}
    },
    Diagnostic: class {
      source = '';
      constructor(
        readonly range: Range,
        readonly message: string,
        readonly severity: number,
      ) {}
    },
    DiagnosticSeverity: { Error: 0, Warning: 1 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    OverviewRulerLane: { Full: 7 },
    ViewColumn: { One: 1, Two: 2, Beside: -2 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    SymbolKind: { Variable: 12, Operator: 24 },
    TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
    env: { language: 'en' },
    l10n: { t: (s: string, ...args: unknown[]) => s.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])) },
    commands: {
      executeCommand: async (id: string, key: string, value: unknown) => {
        if (id === 'setContext') counts.setContext.push({ key, value });
      },
      registerCommand: () => disposable,
    },
    languages: {
      createDiagnosticCollection: () => ({ set: () => void counts.diagnosticsSet++, delete: () => undefined, dispose: () => undefined }),
      registerInlayHintsProvider: (_s: unknown, p: { onDidChangeInlayHints?: (l: () => void) => unknown }) => {
        p.onDidChangeInlayHints?.(() => counts.inlayRefresh++);
        return disposable;
      },
      registerHoverProvider: () => disposable,
      registerCodeLensProvider: () => disposable,
      registerDefinitionProvider: () => disposable,
      registerDocumentSymbolProvider: () => disposable,
    },
    workspace: {
      textDocuments: docs,
      onDidOpenTextDocument: onOpen.event,
      onDidChangeTextDocument: () => disposable,
      onDidCloseTextDocument: () => disposable,
      onDidChangeConfiguration: () => disposable,
      getConfiguration: (section?: string) => ({ get: (key: string) => settings.get(section ? `${section}.${key}` : key) }),
      fs: {
        stat: async () => ({}),
        createDirectory: async () => undefined,
        writeFile: async () => {
          counts.fileWrites++;
        },
        readFile: async () => {
          throw new Error('no such file');
        },
      },
    },
    window,
  };
  const fake: Fake = {
    counts,
    settings,
    webview: undefined,
    module,
    reset() {
      counts.setContext = [];
      counts.setDecorations = 0;
      counts.statusBar = [];
      counts.treeRefresh = 0;
      counts.inlayRefresh = 0;
      counts.posted = [];
      counts.fileWrites = 0;
      counts.diagnosticsSet = 0;
    },
    open(doc) {
      const editor: FakeEditor = {
        document: doc,
        viewColumn: 1,
        decorations: [],
        setDecorations(_type, ranges) {
          counts.setDecorations++;
          editor.decorations = ranges;
        },
      };
      docs.push(doc);
      onOpen.fire(doc);
      editors.push(editor);
      window.activeTextEditor = editor;
      onVisible.fire(editors);
      onActive.fire(editor);
      return editor;
    },
  };
  return fake;
}

let installed: Fake | undefined;

/** Makes `require('vscode')` give one fake (the same for the whole test file). */
export function installFakeVscode(): Fake {
  if (installed) return installed;
  const fake = createFakeVscode();
  const mod = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const load = mod._load.bind(Module);
  mod._load = (request, parent, isMain) => (request === 'vscode' ? fake.module : load(request, parent, isMain));
  installed = fake;
  return fake;
}

/** Lets the microtasks (the controller's once-per-turn view update) and pending promises run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
