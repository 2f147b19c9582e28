/**
 * Shared helpers for the extension-host suite: the extension's API, the examples workspace (a
 * throwaway copy made by the runner), polling for asynchronous effects, and numeric comparison.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BackpropStepperApi, SessionSnapshot } from '../../../src/host/api';
import type { NestedArray } from '../../../src/engine/tensor';

export const EXTENSION_ID = 'backprop-stepper.backprop-stepper';

export async function getApi(): Promise<BackpropStepperApi> {
  const ext = vscode.extensions.getExtension<BackpropStepperApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  return ext.activate();
}

export function exampleUri(file: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner opens the examples folder as the workspace');
  return vscode.Uri.joinPath(folder.uri, file);
}

export async function openExample(file: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(exampleUri(file));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Polls until `probe` gives something truthy; fails with `what` after the timeout. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs `command` until `probe` holds. A stepping command is disabled (its `enablement` context key)
 * until the graph it acts on is compiled and the host has set the keys, which for a program that
 * loads files or was just generated comes a moment after its editor opens; VS Code drops a
 * disabled command, so it is run again until it took effect.
 */
export async function commandUntil<T>(command: string, what: string, probe: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await vscode.commands.executeCommand(command);
    const value = await waitFor(what, probe, 300).catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms running ${command} until ${what}`);
  }
}

/** The session snapshot, which must exist. */
export function snapshot(api: BackpropStepperApi): SessionSnapshot {
  const s = api.session();
  assert.ok(s, 'expected a stepper session');
  return s;
}

/** A scalar from a value that may be a number or a 1-element nested array. */
export function scalar(value: NestedArray | undefined, label = 'value'): number {
  let v: unknown = value;
  while (Array.isArray(v)) {
    assert.equal(v.length, 1, `${label} is not a scalar: ${JSON.stringify(value)}`);
    v = v[0];
  }
  assert.equal(typeof v, 'number', `${label} is not a number: ${JSON.stringify(value)}`);
  return v as number;
}

export function assertClose(actual: number, expected: number, label: string, tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${label}: expected ${expected}, got ${actual}`);
}

export async function run(command: string, ...args: unknown[]): Promise<void> {
  await vscode.commands.executeCommand(command, ...args);
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Closes a document's editor without saving (reverting any edits the test made). */
export async function revertAndClose(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
