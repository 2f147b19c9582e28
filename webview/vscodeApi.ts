/** The webview side of VS Code's messaging, typed with our protocol. */
import type { WebviewPersistedState, WebviewToHost } from '../src/shared/protocol';
import type { View } from './panZoom';

/** What we keep with setState: the protocol's fields plus the view, which only the panel reads. */
export interface PanelState extends WebviewPersistedState {
  view?: View;
  layoutKey?: string;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

function acquire(): VsCodeApi {
  const g = globalThis as { acquireVsCodeApi?: () => VsCodeApi };
  if (typeof g.acquireVsCodeApi === 'function') return g.acquireVsCodeApi();
  // Outside VS Code (a plain browser page): keep working, talk to no one.
  let state: unknown;
  return { postMessage: () => undefined, getState: () => state, setState: (s) => (state = s) };
}

const api = acquire();

export function post(message: WebviewToHost): void {
  api.postMessage(message);
}

function isView(x: unknown): x is View {
  const v = x as View;
  return typeof x === 'object' && x !== null && [v.x, v.y, v.k].every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** The saved state, if it looks like ours (it may come from an older version of the panel). */
export function loadState(): PanelState | undefined {
  const s = api.getState() as Partial<PanelState> | undefined;
  if (!s || typeof s !== 'object' || typeof s.uri !== 'string') return undefined;
  return {
    uri: s.uri,
    cursor: typeof s.cursor === 'number' ? s.cursor : 0,
    expanded: s.expanded === true,
    selected: typeof s.selected === 'number' ? s.selected : null,
    view: isView(s.view) ? s.view : undefined,
    layoutKey: typeof s.layoutKey === 'string' ? s.layoutKey : undefined,
  };
}

export function saveState(state: PanelState): void {
  api.setState(state);
}
