/**
 * A host-side copy of the panel's persisted state (file, step, composite toggle, selection), kept in
 * the extension's storage folder with `vscode.workspace.fs` (so it works in the web host too).
 *
 * Why: VS Code restores a webview with the state it saved through `setState`, but that state is
 * written when the window shuts down cleanly; a browser reload (code-server, vscode.dev) can lose
 * it. The serializer then falls back to this copy, which is written on every change.
 */
import * as vscode from 'vscode';
import type { WebviewPersistedState } from '../shared/protocol';
import { parsePersistedState } from './panelHtml';

export class PanelStateStore {
  private readonly file: vscode.Uri;
  private readonly dir: vscode.Uri;
  /** The latest state not yet written, and the write in progress. */
  private pending: WebviewPersistedState | null | undefined;
  private writing: Promise<void> | undefined;
  private lastWritten = '';

  constructor(storage: vscode.Uri) {
    this.dir = storage;
    this.file = vscode.Uri.joinPath(storage, 'panel-state.json');
  }

  /** The state last given to `save`, as JSON. */
  private lastSaved: string | undefined;

  /**
   * Records the state (null: the panel was closed); writes are coalesced, the latest wins, and
   * the state last recorded again does nothing.
   */
  save(state: WebviewPersistedState | null): void {
    const text = JSON.stringify(state);
    if (text === this.lastSaved) return;
    this.lastSaved = text;
    this.pending = state;
    this.writing ??= this.flush();
  }

  async load(): Promise<WebviewPersistedState | undefined> {
    await this.writing;
    try {
      const bytes = await vscode.workspace.fs.readFile(this.file);
      return parsePersistedState(JSON.parse(new TextDecoder().decode(bytes)));
    } catch {
      return undefined;
    }
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending !== undefined) {
        const state = this.pending;
        this.pending = undefined;
        const text = JSON.stringify(state);
        if (text === this.lastWritten) continue;
        try {
          await vscode.workspace.fs.createDirectory(this.dir);
          await vscode.workspace.fs.writeFile(this.file, new TextEncoder().encode(text));
          this.lastWritten = text;
        } catch {
          // Storage is best effort: the webview's own state is the primary copy.
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
