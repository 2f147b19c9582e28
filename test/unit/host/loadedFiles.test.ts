/**
 * LoadedFiles against a stand-in `vscode` whose file watcher never fires (as when it misses a
 * change): the stamp check still sees the file's new modification time and size and compiles the
 * document again; an unchanged file is not read again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { installFakeVscode, Uri } from './fakeVscode';

type LoadedFilesClass = typeof import('../../../src/host/loadedFiles').LoadedFiles;
type VsUri = import('vscode').Uri;

interface FakeFile {
  bytes: Uint8Array;
  mtime: number;
}

const RANGE = { start: { line: 1, column: 5 }, end: { line: 1, column: 20 } };

describe('LoadedFiles: the stamp check behind the file watcher', () => {
  const files = new Map<string, FakeFile>();
  let reads = 0;
  let LoadedFiles: LoadedFilesClass;

  before(async () => {
    const fake = installFakeVscode();
    const workspace = fake.module.workspace as Record<string, unknown>;
    workspace.fs = {
      stat: async (uri: Uri) => {
        const f = files.get(uri.path);
        if (!f) throw new Error('no such file');
        return { type: 1, size: f.bytes.length, mtime: f.mtime };
      },
      readFile: async (uri: Uri) => {
        reads++;
        const f = files.get(uri.path);
        if (!f) throw new Error('no such file');
        return f.bytes;
      },
    };
    // A watcher that misses every change.
    workspace.createFileSystemWatcher = () => ({ onDidChange: () => undefined, onDidCreate: () => undefined, onDidDelete: () => undefined, dispose: () => undefined });
    workspace.getWorkspaceFolder = () => undefined;
    fake.module.RelativePattern = class {
      constructor(
        readonly base: unknown,
        readonly pattern: string,
      ) {}
    };
    fake.module.FileType = { File: 1, Directory: 2 };
    fake.module.FileSystemError = class extends Error {};
    ({ LoadedFiles } = await import('../../../src/host/loadedFiles'));
  });

  const fakeDoc = Uri.file('/w/net.backprop');
  const doc = fakeDoc as unknown as VsUri;
  const refs = [{ path: 'x.npy', range: RANGE }];
  const target = Uri.joinPath(Uri.joinPath(fakeDoc, '..'), 'x.npy').path;
  const changes: string[] = [];
  let loaded: InstanceType<LoadedFilesClass> | undefined;
  after(() => loaded?.dispose());

  it('reads the file once, and again after its modification time and size change', async () => {
    files.set(target, { bytes: new Uint8Array([1, 2, 3]), mtime: 100 });
    loaded = new LoadedFiles((d) => changes.push(d));
    assert.equal(loaded.contentsFor(doc, refs), undefined, 'pending while the first read runs');
    await loaded.settled(doc);
    assert.deepEqual(changes, [doc.toString()]);
    const first = loaded.contentsFor(doc, refs)?.get('x.npy');
    assert.deepEqual(first && 'bytes' in first ? [...first.bytes] : first, [1, 2, 3]);
    assert.equal(reads, 1);

    // Nothing changed: the check reads nothing and tells nobody.
    await loaded.checkStamps();
    await loaded.settled(doc);
    assert.equal(reads, 1);
    assert.equal(changes.length, 1);

    // The file is rewritten on disk and the watcher says nothing.
    files.set(target, { bytes: new Uint8Array([10, 20, 30, 40]), mtime: 200 });
    await loaded.checkStamps();
    await loaded.settled(doc);
    assert.equal(reads, 2);
    assert.deepEqual(changes, [doc.toString(), doc.toString()]);
    const second = loaded.contentsFor(doc, refs)?.get('x.npy');
    assert.deepEqual(second && 'bytes' in second ? [...second.bytes] : second, [10, 20, 30, 40]);
  });

  it('a deleted file is read again (and then reports the error)', async () => {
    assert.ok(loaded);
    files.delete(target);
    await loaded.checkStamps();
    await loaded.settled(doc);
    assert.equal(changes.length, 3);
    const gone = loaded.contentsFor(doc, refs)?.get('x.npy');
    assert.ok(gone && 'error' in gone, 'the missing file is an error the compile reports');
  });
});
