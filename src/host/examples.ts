/**
 * The book's examples shipped with the extension: the Examples view (grouped by section) and
 * Open Example… (a quick pick with separators per section). Files are read with
 * `vscode.workspace.fs`, so this works in the web host too.
 */
import * as vscode from 'vscode';
import type { ExampleEntry, ExampleSection } from './examplesIndex';
import { isSafeExampleFile, localized, parseExamplesIndex } from './examplesIndex';

type ExampleItem = { kind: 'section'; section: ExampleSection } | { kind: 'example'; example: ExampleEntry };

export class ExamplesProvider implements vscode.TreeDataProvider<ExampleItem> {
  private sections: Promise<ExampleSection[]> | undefined;
  private readonly changed = new vscode.EventEmitter<ExampleItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly extensionUri: vscode.Uri) {}

  private get folder(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'examples');
  }

  load(): Promise<ExampleSection[]> {
    this.sections ??= (async () => {
      try {
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder, 'index.json'));
        return parseExamplesIndex(JSON.parse(new TextDecoder().decode(bytes)));
      } catch {
        // No index (or a broken one): list the .backprop files we can find, in one group.
        try {
          const files = await vscode.workspace.fs.readDirectory(this.folder);
          const examples = files
            .filter(([name, type]) => type === vscode.FileType.File && isSafeExampleFile(name))
            .map(([name]) => ({ file: name, section: '5', title: { en: name, ko: name } }))
            .sort((a, b) => a.file.localeCompare(b.file));
          return examples.length ? [{ section: '5', title: { en: 'Chapter 5', ko: '5장' }, examples }] : [];
        } catch {
          return [];
        }
      }
    })();
    return this.sections;
  }

  getTreeItem(item: ExampleItem): vscode.TreeItem {
    const lang = vscode.env.language;
    if (item.kind === 'section') {
      const t = localized(item.section.title, lang);
      const label = t === item.section.section ? t : `${item.section.section} ${t}`;
      const ti = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
      ti.contextValue = 'exampleSection';
      ti.iconPath = new vscode.ThemeIcon('book');
      return ti;
    }
    const ex = item.example;
    const ti = new vscode.TreeItem(localized(ex.title, lang), vscode.TreeItemCollapsibleState.None);
    ti.description = ex.section ? `${ex.section} · ${ex.file}` : ex.file;
    ti.tooltip = ex.description ? `${localized(ex.description, lang)}\n\n${ex.file}` : ex.file;
    ti.iconPath = new vscode.ThemeIcon('type-hierarchy');
    ti.contextValue = 'example';
    ti.command = { command: 'backprop.openExample', title: vscode.l10n.t('Open Example…'), arguments: [ex.file] };
    return ti;
  }

  async getChildren(item?: ExampleItem): Promise<ExampleItem[]> {
    if (!item) return (await this.load()).map((section) => ({ kind: 'section', section }));
    if (item.kind === 'section') return item.section.examples.map((example) => ({ kind: 'example', example }));
    return [];
  }

  /** Opens an example by file name, or asks which one. */
  async pickAndOpen(file?: string): Promise<vscode.TextEditor | undefined> {
    if (file !== undefined) {
      if (!isSafeExampleFile(file)) {
        void vscode.window.showErrorMessage(vscode.l10n.t('There is no example called {0}.', file));
        return undefined;
      }
      return this.open(file);
    }
    const lang = vscode.env.language;
    const sections = await this.load();
    type Pick = vscode.QuickPickItem & { file?: string };
    const items: Pick[] = [];
    for (const s of sections) {
      const t = localized(s.title, lang);
      items.push({ label: t === s.section ? t : `${s.section} ${t}`, kind: vscode.QuickPickItemKind.Separator });
      for (const e of s.examples) {
        items.push({ label: localized(e.title, lang), description: e.section ? `${e.section} · ${e.file}` : e.file, detail: e.description ? localized(e.description, lang) : undefined, file: e.file });
      }
    }
    if (items.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('No examples were found in this installation.'));
      return undefined;
    }
    const choice = await vscode.window.showQuickPick(items, {
      placeHolder: vscode.l10n.t('Pick an example from chapter 5'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return choice?.file ? this.open(choice.file) : undefined;
  }

  private async open(file: string): Promise<vscode.TextEditor | undefined> {
    const uri = vscode.Uri.joinPath(this.folder, file);
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      return await vscode.window.showTextDocument(doc, { preview: false });
    } catch {
      // Where the extension's own files cannot be opened as documents (e.g. served over https in
      // the web), open a copy as an untitled document instead.
      try {
        const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        const doc = await vscode.workspace.openTextDocument({ language: 'backprop', content });
        return await vscode.window.showTextDocument(doc, { preview: false });
      } catch (e) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Could not open the example {0}: {1}', file, e instanceof Error ? e.message : String(e)));
        return undefined;
      }
    }
  }
}
