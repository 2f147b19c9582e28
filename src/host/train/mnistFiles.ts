/**
 * Reads the four MNIST idx files (plain or .gz) from a folder through `vscode.workspace.fs`, so it
 * works for local, remote and virtual folders and in the web host. Parsing happens in the worker.
 */
import * as vscode from 'vscode';
import { MNIST_FILES, type MnistFileKey } from '../../engine/train/dataset';
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
  const files = {} as Record<MnistFileKey, { bytes: Uint8Array; name: string }>;
  const transfer: ArrayBuffer[] = [];
  for (const key of Object.keys(MNIST_FILES) as MnistFileKey[]) {
    const base = MNIST_FILES[key];
    const plain = vscode.Uri.joinPath(folder, base);
    const gz = vscode.Uri.joinPath(folder, `${base}.gz`);
    const uri = (await exists(plain)) ? plain : (await exists(gz)) ? gz : undefined;
    if (!uri) throw new Error(`missing file ${base} (or ${base}.gz) in ${folderLabel(folder)}`);
    const bytes = await vscode.workspace.fs.readFile(uri);
    files[key] = { bytes, name: uri.scheme === 'file' ? uri.fsPath : uri.toString(true) };
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) transfer.push(bytes.buffer);
  }
  return { source: { kind: 'mnist', label: `${label} (${folderLabel(folder)})`, files }, transfer };
}

export function folderLabel(folder: vscode.Uri): string {
  return folder.scheme === 'file' ? folder.fsPath : folder.toString(true);
}
