import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, closeAllEditors } from './helpers';

interface Binding {
  key: string;
  command: string;
  when?: string;
}

/**
 * Context keys that are false while a `.backprop` text editor (or our panel) has the focus: a
 * default binding that needs one of them cannot fire there, so sharing its key shadows nothing.
 */
const ELSEWHERE = [
  'terminalFocus',
  'inQuickInput',
  'listFocus',
  'inKeybindings',
  'searchViewletFocus',
  'inChat',
  'inChatInput',
  'notebookEditorFocused',
  'inDebugRepl',
  'inZenMode',
  'editorLangId == \'markdown\'',
  'editorLangId == markdown',
];

/** Whether a `when` clause can be true in a focused `.backprop` editor (conservatively: yes unless excluded). */
function canFireInOurEditor(when: string | undefined): boolean {
  if (!when) return true;
  return when.split('||').some((disjunct) => {
    const atoms = disjunct.split('&&').map((a) => a.trim().replace(/^\(|\)$/g, ''));
    if (atoms.includes('false')) return false;
    return !atoms.some((a) => ELSEWHERE.includes(a));
  });
}

describe('keybindings', () => {
  after(closeAllEditors);

  it('shadow none of VS Code’s default keybindings in a .backprop editor', async () => {
    await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
    const text = await new Promise<string>((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const poll = (): void => {
        const doc = vscode.window.activeTextEditor?.document;
        if (doc && doc.getText().includes('"command"')) resolve(doc.getText());
        else if (Date.now() > deadline) reject(new Error('the default keybindings did not open'));
        else setTimeout(poll, 50);
      };
      poll();
    });
    // The file is JSON with // comment lines.
    const defaults = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as Binding[];
    assert.ok(defaults.length > 500, `only ${defaults.length} default keybindings read`);
    const ours = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { keybindings: Binding[] } }).contributes.keybindings;
    const clashes: string[] = [];
    for (const kb of ours) {
      const first = kb.key.split(' ')[0];
      for (const d of defaults) {
        if (d.command.startsWith('backprop.')) continue;
        // The same key, or a default bound to our chord's first part (which would swallow it).
        if ((d.key === kb.key || d.key === first) && canFireInOurEditor(d.when)) clashes.push(`${kb.key} (${kb.command}) shadows ${d.command} when ${d.when ?? 'always'}`);
      }
    }
    assert.deepEqual(clashes, []);
  });
});
