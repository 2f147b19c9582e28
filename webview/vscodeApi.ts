/** The webview side of VS Code's messaging, typed with our protocol. */
import type * as v from 'valibot';
import type { WebviewToHost } from '../src/shared/protocol';
import { PanelStateSchema, parseOrUndefined } from '../src/shared/schema';

/**
 * What we keep with setState: the protocol's fields plus the view, the layout it belongs to and
 * the practice scores, which only the panel reads (see `PanelStateSchema`, shared with the host).
 */
export type PanelState = v.InferOutput<typeof PanelStateSchema>;

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

/**
 * The saved state, if it looks like ours (it may come from an older version of the panel): own
 * properties only; the host validates the URI again before opening anything.
 */
export function loadState(): PanelState | undefined {
  return parseOrUndefined(PanelStateSchema, api.getState());
}

export function saveState(state: PanelState): void {
  api.setState(state);
}
