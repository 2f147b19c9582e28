/**
 * A throwaway copy of examples/ for a test run, so tests that type into files never touch the repo.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './tools';

export function makeExamplesWorkspace(root?: string): string {
  const base = root ?? mkdtempSync(join(tmpdir(), 'backprop-ws-'));
  const ws = join(base, 'examples');
  cpSync(join(REPO_ROOT, 'examples'), ws, { recursive: true });
  return ws;
}
