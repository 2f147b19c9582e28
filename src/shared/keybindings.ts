/**
 * The keybindings as the user sees them, read from the one table VS Code uses: package.json's
 * `contributes.keybindings` (bundled into the webview at build time by esbuild's JSON import), so
 * a tooltip can never name another command's key.
 *
 * The chords were picked to shadow nothing in a `.backprop` editor in VS Code 1.95+ (see the
 * extension-host test keybindings.test.ts, which checks them against the running VS Code's
 * default keybindings, and README.md).
 */
import { contributes } from '../../package.json';

export type KeyPlatform = 'mac' | 'other';

interface Keybinding {
  command: string;
  key: string;
  mac?: string;
}

const TABLE: readonly Keybinding[] = contributes.keybindings;

const MAC_MODIFIERS: Record<string, string> = { ctrl: '⌃', alt: '⌥', shift: '⇧', cmd: '⌘', meta: '⌘' };
const OTHER_MODIFIERS: Record<string, string> = { ctrl: 'Ctrl', alt: 'Alt', shift: 'Shift', cmd: 'Win', meta: 'Win', win: 'Win' };
const KEY_NAMES: Record<string, string> = {
  left: '←',
  right: '→',
  up: '↑',
  down: '↓',
  home: 'Home',
  end: 'End',
  pageup: 'PageUp',
  pagedown: 'PageDown',
  escape: 'Esc',
  enter: 'Enter',
  space: 'Space',
  tab: 'Tab',
};

/** `ctrl+k b` → "Ctrl+K B" (or "⌘K B" on macOS), as VS Code writes keys in its menus. */
export function formatKey(key: string, platform: KeyPlatform): string {
  return key
    .trim()
    .split(/\s+/)
    .map((chord) => {
      // The last part is the key itself (which may be "+", written "ctrl++").
      const parts = chord.endsWith('++') ? [...chord.slice(0, -2).split('+'), '+'] : chord.split('+');
      const key = parts.pop() ?? '';
      const name = KEY_NAMES[key] ?? (key.length === 1 ? key.toUpperCase() : key[0]?.toUpperCase() + key.slice(1));
      const mods = parts.map((m) => (platform === 'mac' ? MAC_MODIFIERS[m] : OTHER_MODIFIERS[m]) ?? m);
      return platform === 'mac' ? `${mods.join('')}${name}` : [...mods, name].join('+');
    })
    .join(' ');
}

/** The key of a command (`backprop.stepForward` or just `stepForward`), formatted; undefined when it has none. */
export function keyLabel(command: string, platform: KeyPlatform): string | undefined {
  const id = command.includes('.') ? command : `backprop.${command}`;
  const kb = TABLE.find((k) => k.command === id);
  if (!kb) return undefined;
  return formatKey(platform === 'mac' ? (kb.mac ?? kb.key) : kb.key, platform);
}

/** A title with its key in parentheses, as VS Code's own toolbar tooltips: "Step Forward (Alt+.)". */
export function withKey(title: string, command: string, platform: KeyPlatform): string {
  const key = keyLabel(command, platform);
  return key ? `${title} (${key})` : title;
}
