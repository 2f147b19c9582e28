/** The trace command's pure parts (no `vscode`), unit-tested directly. */

const TRACEABLE = /\bdef\s+(forward|backward)\s*\(|\.(forward|backward)\s*\(/;

/** Whether a Python file defines or calls forward/backward, or calls micrograd's backward(). */
export function isTraceable(text: string): boolean {
  return TRACEABLE.test(text);
}
