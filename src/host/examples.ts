/**
 * The book's examples shipped with the extension: the Examples view (grouped by section) and
 * Open Example… (a quick pick with separators per section). Files are read with
 * `vscode.workspace.fs`, so this works in the web host too.
 *
 * Opening an example gives the student their own copy, never the installed file (edits there
 * would be lost on the next update): a copy in the workspace folder (they pick the folder when
 * there are several; an existing file of that name is opened as it is when it is unchanged, and
 * otherwise they are asked), or an untitled document named after the example when no folder is
 * open. The editor goes to the group beside the stepper panel, never over it.
 */
import * as vscode from 'vscode';
import type { ExampleEntry, ExampleSection } from './examplesIndex';
import { isSafeExampleFile, localized, numberedCopyName, parseExamplesIndex } from './examplesIndex';

/** How an example is shown: focus stays in the Examples view after a click there. */
export interface OpenHow {
  preserveFocus: boolean;
}

type ExampleItem = { kind: 'section'; section: ExampleSection } | { kind: 'example'; example: ExampleEntry };

export class ExamplesProvider implements vscode.TreeDataProvider<ExampleItem> {
  private sections: Promise<ExampleSection[]> | undefined;
  private readonly changed = new vscode.EventEmitter<ExampleItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  /**
   * @param editorColumn the column for an opened example: the group beside the stepper panel
   *   while it is open (undefined: the active group).
   */
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly editorColumn: () => vscode.ViewColumn | undefined = () => undefined,
  ) {}

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
    ti.command = { command: 'backprop.openExample', title: vscode.l10n.t('Open Example…'), arguments: [ex.file, { preserveFocus: true } satisfies OpenHow] };
    return ti;
  }

  async getChildren(item?: ExampleItem): Promise<ExampleItem[]> {
    if (!item) return (await this.load()).map((section) => ({ kind: 'section', section }));
    if (item.kind === 'section') return item.section.examples.map((example) => ({ kind: 'example', example }));
    return [];
  }

  /** Opens (a copy of) an example by file name, or asks which one. */
  async pickAndOpen(file?: string, how: OpenHow = { preserveFocus: false }): Promise<vscode.TextEditor | undefined> {
    if (file !== undefined) {
      if (!isSafeExampleFile(file)) {
        void vscode.window.showErrorMessage(vscode.l10n.t('There is no example called {0}.', file));
        return undefined;
      }
      return this.open(file, how);
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
    return choice?.file ? this.open(choice.file, how) : undefined;
  }

  private async open(file: string, how: OpenHow): Promise<vscode.TextEditor | undefined> {
    let content: Uint8Array;
    try {
      content = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder, file));
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not open the example {0}: {1}', file, e instanceof Error ? e.message : String(e)));
      return undefined;
    }
    const target = await this.copyTarget(file, content);
    if (target === 'cancel') return undefined;
    try {
      const doc = target ? await vscode.workspace.openTextDocument(target) : await this.untitledCopy(file, content);
      return await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: how.preserveFocus, viewColumn: this.editorColumn() });
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not open the example {0}: {1}', file, e instanceof Error ? e.message : String(e)));
      return undefined;
    }
  }

  /**
   * Where the student's copy goes, written there already: a file in a workspace folder, undefined
   * for an untitled document (no folder, or the folder cannot be written), 'cancel' when they
   * dismissed a question.
   */
  private async copyTarget(file: string, content: Uint8Array): Promise<vscode.Uri | undefined | 'cancel'> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) return undefined;
    let folder = folders[0];
    if (folders.length > 1) {
      type FolderPick = vscode.QuickPickItem & { folder?: vscode.WorkspaceFolder };
      const picks: FolderPick[] = [
        ...folders.map((f) => ({ label: `$(folder) ${f.name}`, description: f.uri.fsPath || f.uri.path, folder: f })),
        { label: `$(new-file) ${vscode.l10n.t('Untitled (not saved)')}` },
      ];
      const picked = await vscode.window.showQuickPick(picks, { placeHolder: vscode.l10n.t('Where should your copy of {0} go?', file) });
      if (!picked) return 'cancel';
      if (!picked.folder) return undefined;
      folder = picked.folder;
    }
    if (!folder) return undefined;
    let target = vscode.Uri.joinPath(folder.uri, file);
    const existing = await readIfExists(target);
    if (existing && sameBytes(existing, content)) return target;
    if (existing) {
      const mine = vscode.l10n.t('Open My Copy');
      const fresh = vscode.l10n.t('Save a New Copy');
      const replace = vscode.l10n.t('Replace with the Original');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('{0} already exists in {1} and differs from the book’s example.', file, folder.name),
        { modal: true, detail: vscode.l10n.t('Your copy keeps your edits; the original is the example as installed.') },
        mine,
        fresh,
        replace,
      );
      if (choice === undefined) return 'cancel';
      if (choice === mine) return target;
      if (choice === fresh) {
        for (let n = 2; n < 1000; n++) {
          target = vscode.Uri.joinPath(folder.uri, numberedCopyName(file, n));
          if (!(await readIfExists(target))) break;
        }
      }
    }
    try {
      await vscode.workspace.fs.writeFile(target, content);
      return target;
    } catch (e) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Could not save a copy in {0} ({1}): the example opens as an untitled document.', folder.name, e instanceof Error ? e.message : String(e)),
      );
      return undefined;
    }
  }

  /** An untitled document named after the example (Save suggests that name), with its text. */
  private async untitledCopy(file: string, content: Uint8Array): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.from({ scheme: 'untitled', path: file });
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.getText() === '') {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, new vscode.Position(0, 0), new TextDecoder().decode(content));
      await vscode.workspace.applyEdit(edit);
    }
    return doc;
  }
}

async function readIfExists(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
