/**
 * The numpy files `.backprop` documents load (`load("w.npz", "W1")`), read with
 * `vscode.workspace.fs` (so the web host works too), cached, and watched: when one changes on
 * disk, the documents that load it compile again, like an edit to their source. A file watcher can
 * miss a change (a folder created just before the file, network and container file systems), so
 * every STAMP_CHECK_MS the loaded files' modification time and size are also compared with those
 * of their last read (one `stat` per loaded file, at most MAX_LOAD_FILES per document).
 *
 * Paths are relative to the document. A document may only load files inside a workspace folder,
 * or, when it lies in no workspace folder, inside its own folder.
 */
import * as vscode from 'vscode';
import { MAX_LOAD_FILE_BYTES, MAX_LOAD_FILES } from '../language/limits';
import type { FileContent, FileReference } from './ports';

/** How often the loaded files' modification time and size are compared with their last read. */
export const STAMP_CHECK_MS = 2000;

interface Entry {
  target: vscode.Uri;
  /** Undefined while the read is in flight. */
  content?: FileContent;
  /** Modification time and size (or 'missing') when the content was read. */
  stamp?: string;
  /** The read in flight: settles after its documents were told (and so compiled again). */
  reading?: Promise<void>;
  watcher: vscode.FileSystemWatcher;
  /** Documents (URI strings) that load this file. */
  users: Set<string>;
}

/** Whether `child` is `parent` or inside it (same scheme and authority). */
function isInside(child: vscode.Uri, parent: vscode.Uri): boolean {
  if (child.scheme !== parent.scheme || child.authority !== parent.authority) return false;
  const base = parent.path.endsWith('/') ? parent.path : `${parent.path}/`;
  return child.path === parent.path || child.path.startsWith(base);
}

function parentOf(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(uri, '..');
}

function describeError(e: unknown): string {
  if (e instanceof vscode.FileSystemError) {
    if (e.code === 'FileNotFound' || e.code === 'EntryNotFound') return 'no such file';
    if (e.code === 'FileIsADirectory' || e.code === 'EntryIsADirectory') return 'it is a folder, not a file';
    if (e.code === 'NoPermissions') return 'permission denied';
  }
  return e instanceof Error ? e.message : String(e);
}

/** Where a path written in `doc` points, or why it may not be loaded. */
export function resolveLoadPath(doc: vscode.Uri, path: string): vscode.Uri | { error: string } {
  if (doc.scheme === 'untitled') return { error: 'save this file first: load() reads paths relative to it' };
  if (/^([a-zA-Z]:)?[\\/]/.test(path) || path.includes('\\')) {
    return { error: 'write the path relative to this file with forward slashes, e.g. load("data/x.npy")' };
  }
  const target = vscode.Uri.joinPath(parentOf(doc), path);
  const folder = vscode.workspace.getWorkspaceFolder(doc);
  const root = folder?.uri ?? parentOf(doc);
  if (!isInside(target, root)) {
    return { error: folder ? `the file is outside the workspace folder '${folder.name}'` : "the file is outside this file's folder (open a folder to load from elsewhere in it)" };
  }
  return target;
}

/** Reads one file with workspace.fs, within the size limit; never throws. */
export async function readFileContent(target: vscode.Uri): Promise<FileContent> {
  return (await readStamped(target))[1];
}

/** The file's content and the stamp (see stampOf) of the one `stat` taken before reading it. */
async function readStamped(target: vscode.Uri): Promise<[string, FileContent]> {
  let stamp = 'missing';
  try {
    const stat = await vscode.workspace.fs.stat(target);
    stamp = stampText(stat);
    if (stat.type & vscode.FileType.Directory) return [stamp, { error: 'it is a folder, not a file' }];
    if (stat.size > MAX_LOAD_FILE_BYTES) return [stamp, { error: `the file is too large (${stat.size.toLocaleString('en-US')} bytes; the limit is ${MAX_LOAD_FILE_BYTES.toLocaleString('en-US')})` }];
    return [stamp, { bytes: await vscode.workspace.fs.readFile(target) }];
  } catch (e) {
    return [stamp, { error: describeError(e) }];
  }
}

function stampText(stat: vscode.FileStat): string {
  return `${stat.mtime}:${stat.size}`;
}

/** What the fallback check compares: the file's modification time and size, or that it is missing. */
async function stampOf(target: vscode.Uri): Promise<string> {
  try {
    const s = await vscode.workspace.fs.stat(target);
    return stampText(s);
  } catch {
    return 'missing';
  }
}

/** Every file a program loads, read once (no cache, no watching): for one-off work such as a gradient check. */
export async function readLoadedFiles(doc: vscode.Uri, refs: readonly FileReference[]): Promise<Map<string, FileContent>> {
  const out = new Map<string, FileContent>();
  await Promise.all(
    refs.map(async (ref, i) => {
      const target = i >= MAX_LOAD_FILES ? { error: `a program loads at most ${MAX_LOAD_FILES} files` } : resolveLoadPath(doc, ref.path);
      out.set(ref.path, target instanceof vscode.Uri ? await readFileContent(target) : target);
    }),
  );
  return out;
}

export class LoadedFiles implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Per document, the contents map it was last given (returned again while nothing changed). */
  private readonly lastContents = new Map<string, Map<string, FileContent>>();
  /** Per file, the number of its latest read: an older read finishing late is ignored. */
  private readonly readToken = new Map<string, number>();
  private stampTimer: ReturnType<typeof setInterval> | undefined;
  private checking = false;

  /** `onDidChange(docUri)`: a file that document loads was read or changed; compile it again. */
  constructor(private readonly onDidChange: (docUri: string) => void) {}

  /**
   * The contents of every file `doc` loads, when all are read; otherwise undefined, and the missing
   * ones are being read (then `onDidChange` fires for the document).
   */
  contentsFor(doc: vscode.Uri, refs: readonly FileReference[]): Map<string, FileContent> | undefined {
    const key = doc.toString();
    const out = new Map<string, FileContent>();
    let pending = false;
    const used = new Set<string>();
    refs.forEach((ref, i) => {
      if (i >= MAX_LOAD_FILES) {
        out.set(ref.path, { error: `a program loads at most ${MAX_LOAD_FILES} files` });
        return;
      }
      const target = resolveLoadPath(doc, ref.path);
      if (!(target instanceof vscode.Uri)) {
        out.set(ref.path, target);
        return;
      }
      const entry = this.entryFor(target);
      entry.users.add(key);
      used.add(target.toString());
      if (entry.content === undefined) pending = true;
      else out.set(ref.path, entry.content);
    });
    // Files this document no longer loads stop being watched for it.
    for (const [uri, entry] of this.entries) {
      if (!used.has(uri) && entry.users.delete(key) && entry.users.size === 0) this.drop(uri);
    }
    if (pending) return undefined;
    // The same contents give the same map, so the session sees nothing new and keeps its stepper.
    const last = this.lastContents.get(key);
    if (last && last.size === out.size && [...out].every(([p, c]) => last.get(p) === c)) return last;
    this.lastContents.set(key, out);
    return out;
  }

  /**
   * Settles when no file `doc` loads is still being read, so a command that arrives while a
   * freshly opened program's `.npy` is in flight acts on the compiled graph, not on an empty one.
   */
  async settled(doc: vscode.Uri): Promise<void> {
    const key = doc.toString();
    // Bounded: each round waits for reads that were in flight; a file changing on every round is
    // not waited for forever.
    for (let round = 0; round < 4; round++) {
      const reads = [...this.entries.values()].filter((e) => e.users.has(key) && e.content === undefined && e.reading).map((e) => e.reading);
      if (reads.length === 0) return;
      await Promise.all(reads);
    }
  }

  /** `target` was written (by the extension itself): read it again, as its watcher would. */
  changed(target: vscode.Uri): void {
    this.reread(target.toString(), target);
  }

  /** Forgets a closed document. */
  release(doc: vscode.Uri): void {
    const key = doc.toString();
    this.lastContents.delete(key);
    for (const [uri, entry] of this.entries) if (entry.users.delete(key) && entry.users.size === 0) this.drop(uri);
  }

  dispose(): void {
    for (const uri of [...this.entries.keys()]) this.drop(uri);
  }

  /**
   * Reads again every loaded file whose modification time or size differs from its last read
   * (what the watcher should have reported). Runs every STAMP_CHECK_MS while files are loaded.
   */
  async checkStamps(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const [key, entry] of [...this.entries]) {
        if (entry.content === undefined || entry.stamp === undefined) continue;
        const stamp = await stampOf(entry.target);
        if (this.entries.get(key) === entry && entry.content !== undefined && stamp !== entry.stamp) this.reread(key, entry.target);
      }
    } finally {
      this.checking = false;
    }
  }

  private entryFor(target: vscode.Uri): Entry {
    const key = target.toString();
    let entry = this.entries.get(key);
    if (entry) return entry;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(parentOf(target), target.path.slice(target.path.lastIndexOf('/') + 1)));
    const changed = (): void => this.reread(key, target);
    watcher.onDidChange(changed);
    watcher.onDidCreate(changed);
    watcher.onDidDelete(changed);
    entry = { target, watcher, users: new Set() };
    this.entries.set(key, entry);
    this.stampTimer ??= setInterval(() => void this.checkStamps(), STAMP_CHECK_MS);
    this.read(key, target);
    return entry;
  }

  private reread(key: string, target: vscode.Uri): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.content = undefined;
    this.read(key, target);
  }

  private read(key: string, target: vscode.Uri): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    const done = ([stamp, content]: [string, FileContent]): void => {
      // A newer read (the file changed again) or a dropped entry wins.
      if (this.entries.get(key) !== entry || token !== this.readToken.get(key)) return;
      entry.content = content;
      entry.stamp = stamp;
      for (const doc of entry.users) this.onDidChange(doc);
    };
    const token = (this.readToken.get(key) ?? 0) + 1;
    this.readToken.set(key, token);
    // The stamp is the stat before the read: a change during the read makes it differ, and the check reads again.
    entry.reading = readStamped(target).then(done);
  }

  private drop(uri: string): void {
    this.entries.get(uri)?.watcher.dispose();
    this.entries.delete(uri);
    this.readToken.delete(uri);
    if (this.entries.size === 0 && this.stampTimer !== undefined) {
      clearInterval(this.stampTimer);
      this.stampTimer = undefined;
    }
  }
}
