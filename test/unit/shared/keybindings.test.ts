import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatKey, keyLabel, withKey } from '../../../src/shared/keybindings';
import manifest from '../../../package.json';

describe('keybinding labels from package.json', () => {
  it('formats keys the way VS Code writes them', () => {
    assert.equal(formatKey('alt+.', 'other'), 'Alt+.');
    assert.equal(formatKey('ctrl+k b', 'other'), 'Ctrl+K B');
    assert.equal(formatKey('cmd+k b', 'mac'), '⌘K B');
    assert.equal(formatKey('ctrl+alt+end', 'mac'), '⌃⌥End');
    assert.equal(formatKey('shift+alt+right', 'other'), 'Shift+Alt+→');
    assert.equal(formatKey('ctrl++', 'other'), 'Ctrl++');
  });

  it('reads every contributed keybinding, per platform, and leaves commands without one bare', () => {
    for (const kb of manifest.contributes.keybindings) {
      assert.equal(keyLabel(kb.command, 'other'), formatKey(kb.key, 'other'), kb.command);
      assert.equal(keyLabel(kb.command, 'mac'), formatKey(kb.mac, 'mac'), kb.command);
    }
    assert.equal(withKey('Step Backward', 'stepBackward', 'other'), 'Step Backward (Alt+/)');
    assert.equal(withKey('Run Forward Pass', 'runForward', 'other'), 'Run Forward Pass');
  });
});
