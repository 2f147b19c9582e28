/** The webview side of VS Code's messaging, typed with our protocol. */
import type { WebviewPersistedState, WebviewToHost } from '../src/shared/protocol';
import type { View } from './panZoom';
import { type Score, parseScores } from './practice';

/** What we keep with setState: the protocol's fields plus the view, which only the panel reads. */
export interface PanelState extends WebviewPersistedState {
  view?: View;
  layoutKey?: string;
  /** Practice scores by file. */
  scores?: Record<string, Score>;
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

/**
 * The saved state, if it looks like ours (it may come from an older version of the panel): own
 * properties only; the host validates the URI again before opening anything.
 */
export function loadState(): PanelState | undefined {
  const s: unknown = api.getState();
  if (!s || typeof s !== 'object' || Array.isArray(s)) return undefined;
  const own = (k: keyof PanelState): unknown => (Object.prototype.hasOwnProperty.call(s, k) ? (s as Record<string, unknown>)[k] : undefined);
  const uri = own('uri');
  if (typeof uri !== 'string') return undefined;
  const cursor = own('cursor');
  const selected = own('selected');
  const view = own('view');
  const layoutKey = own('layoutKey');
  return {
    uri,
    cursor: typeof cursor === 'number' ? cursor : 0,
    expanded: own('expanded') === true,
    selected: typeof selected === 'number' ? selected : null,
    view: isView(view) ? view : undefined,
    layoutKey: typeof layoutKey === 'string' ? layoutKey : undefined,
    scores: parseScores(own('scores')),
  };
}

export function saveState(state: PanelState): void {
  api.setState(state);
}
