/**
 * Where a file written next to a graph goes, and whether a target is taken: shared by Export
 * Figure… / Export Study Note… (figureCommands.ts) and Save Tensor… (saveTensor.ts). Through
 * `workspace.fs`, so it works in the web host too.
 */
import * as vscode from 'vscode';

/** The folder of the graph file `sessionUri`; for an untitled document, the first workspace folder. */
export function folderOf(sessionUri: string): vscode.Uri | undefined {
  const uri = vscode.Uri.parse(sessionUri);
  if (uri.scheme === 'untitled') return vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.Uri.joinPath(uri, '..');
}

/** Whether something (a file or a folder) is at `uri`. */
export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
