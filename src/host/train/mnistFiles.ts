/**
 * Reads the four MNIST idx files (plain or .gz) from a folder through `vscode.workspace.fs`, so it
 * works for local, remote and virtual folders and in the web host. Parsing happens in the worker.
 */
import * as vscode from 'vscode';
import { findMnistFiles, MNIST_FILE_NAMES, type MnistFileKey } from '../../engine/train/dataset';
import type { DataSource } from '../../workers/workerProtocol';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    return (stat.type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}

/** The files' bytes, or an Error whose message names the missing file and the folder. */
export async function readMnistFolder(folder: vscode.Uri, label: string): Promise<{ source: DataSource; transfer: ArrayBuffer[] }> {
  // Which of the eight names are files, asked all at once; the search itself is the engine's (the CLI's too).
  const present = new Set<string>();
  await Promise.all(MNIST_FILE_NAMES.map(async (name) => {
    if (await exists(vscode.Uri.joinPath(folder, name))) present.add(name);
  }));
  const names = findMnistFiles((name) => present.has(name), folderLabel(folder));
  const files = {} as Record<MnistFileKey, { bytes: Uint8Array; name: string }>;
  const transfer: ArrayBuffer[] = [];
  for (const key of Object.keys(names) as MnistFileKey[]) {
    const uri = vscode.Uri.joinPath(folder, names[key]);
    const bytes = await vscode.workspace.fs.readFile(uri);
    files[key] = { bytes, name: uri.scheme === 'file' ? uri.fsPath : uri.toString(true) };
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) transfer.push(bytes.buffer);
  }
  return { source: { kind: 'mnist', label: `${label} (${folderLabel(folder)})`, files }, transfer };
}

export function folderLabel(folder: vscode.Uri): string {
  return folder.scheme === 'file' ? folder.fsPath : folder.toString(true);
}
