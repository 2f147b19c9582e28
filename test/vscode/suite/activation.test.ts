import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, closeAllEditors, openExample, waitFor } from './helpers';

/** The command ids every other part of the project relies on (see the manifest). */
const REQUIRED_COMMANDS = [
  'backprop.openStepper',
  'backprop.stepForward',
  'backprop.stepBackward',
  'backprop.previousStep',
  'backprop.nextStep',
  'backprop.runForward',
  'backprop.runBackward',
  'backprop.reset',
  'backprop.goToStep',
  'backprop.toggleComposite',
  'backprop.openExample',
  'backprop.gradientCheck',
  'backprop.train',
];

interface ContributedCommand {
  command: string;
  category?: string;
}

describe('activation', () => {
  after(closeAllEditors);

  it('activates when a .backprop file is opened, with the backprop language', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found`);
    const editor = await openExample('buy-apple.backprop');
    assert.equal(editor.document.languageId, 'backprop');
    await waitFor('the extension to be active', () => ext.isActive);
    // The examples workspace contains .backprop files, so workspaceContains may have activated it
    // already; opening a file must be enough on its own too.
    // (VS Code 1.74+ implies onLanguage for a contributed language.)
    const manifest = ext.packageJSON as { activationEvents?: string[]; contributes?: { languages?: { id: string }[] } };
    const events = manifest.activationEvents ?? [];
    const contributesLanguage = (manifest.contributes?.languages ?? []).some((l) => l.id === 'backprop');
    assert.ok(events.includes('onLanguage:backprop') || contributesLanguage, `activationEvents: ${JSON.stringify(events)}`);
    const api = ext.exports as { session?: unknown; panelOpen?: unknown };
    assert.equal(typeof api.session, 'function', 'activate() returns the BackpropStepperApi');
    assert.equal(typeof api.panelOpen, 'function', 'activate() returns the BackpropStepperApi');
  });

  it('registers every contributed command, all in the Backprop category', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const contributed = (ext.packageJSON as { contributes: { commands: ContributedCommand[] } }).contributes.commands;
    const ids = contributed.map((c) => c.command);
    for (const id of REQUIRED_COMMANDS) assert.ok(ids.includes(id), `${id} is not contributed in package.json`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = ids.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed but not registered');
    for (const c of contributed) assert.ok(c.category, `${c.command} has no category`);
  });
});
