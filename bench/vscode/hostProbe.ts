/**
 * Runs INSIDE the extension host of a real VS Code (code-server), loaded as `extensionTestsPath` by
 * the smoke-test driver, once per fresh start of `npm run bench:vscode`:
 *   1. reads the extension's own activation time (`activationMs()` of its API);
 *   2. measures the trace memory: the host's heap (after a forced GC) before opening the generated
 *      2,000-node graph, after the stepper panel shows it at step 0, and after stepping through the
 *      whole forward and backward pass (Run Forward Pass, then Run Backward Pass).
 * Writes what it found as JSON to probe-result.json next to itself (the runner reads it), then
 * resolves, which makes the workbench report exit code 0 through the smoke-test driver.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import type { BackpropStepperApi } from '../../src/host/api';
import { BENCH_FILES, type ProbeResult } from './shared';

const EXTENSION_ID = 'backprop-stepper.backprop-stepper';

/** A forced full GC: the extension host is not started with --expose-gc, so expose it now. */
function makeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function heapMB(gc: (() => void) | undefined): number {
  // Two passes: the first can leave weak/finalizable objects for the second.
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1048576;
}

export async function run(): Promise<void> {
  const result: ProbeResult = { activationMs: null, extensionWasActive: false, memory: null, error: null };
  try {
    const ext = vscode.extensions.getExtension<BackpropStepperApi>(EXTENSION_ID);
    if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
    result.extensionWasActive = ext.isActive;
    const api = ext.isActive ? ext.exports : await ext.activate();
    result.activationMs = api.activationMs?.() ?? null;

    const gc = makeGc();
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new Error('no workspace folder');
    const before = heapMB(gc);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, BENCH_FILES.big));
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('backprop.openStepper');
    const opened = await waitFor('the 2,000-node session', () => {
      const s = api.session();
      return s && s.uri === doc.uri.toString() && api.panelOpen() ? s : undefined;
    });
    // Let the panel's first message go out before measuring.
    await new Promise((r) => setTimeout(r, 500));
    const afterOpen = heapMB(gc);
    await vscode.commands.executeCommand('backprop.runForward');
    await waitFor('the end of the forward pass', () => api.session()?.cursor === opened.forwardSteps);
    await vscode.commands.executeCommand('backprop.runBackward');
    const end = await waitFor('the end of the backward pass', () => {
      const s = api.session();
      return s && s.cursor === s.totalSteps ? s : undefined;
    });
    await new Promise((r) => setTimeout(r, 500));
    const afterTrace = heapMB(gc);
    result.memory = {
      gcForced: gc !== undefined,
      nodeCount: end.nodeCount,
      totalSteps: end.totalSteps,
      heapBeforeMB: before,
      heapGraphOpenMB: afterOpen,
      heapTraceDoneMB: afterTrace,
      traceMB: afterTrace - afterOpen,
    };
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  } catch (error) {
    result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  writeFileSync(join(__dirname, 'probe-result.json'), JSON.stringify(result));
}
