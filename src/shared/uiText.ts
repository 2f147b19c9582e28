/**
 * The webviews' UI text: one table per panel, from the short key the webview code uses to the
 * English source string, which is also the key of the extension's l10n bundles
 * (`l10n/bundle.l10n*.json`, the same bundles `vscode.l10n.t` reads on the host). The host looks
 * every string up in the loaded bundle (`vscode.l10n.bundle`) and writes the result into the panel's
 * HTML (`uiTextMeta`); the webview reads it back (`webview/uiText.ts`). No translation lives here.
 * Pure (no `vscode`, no DOM): imported by the host, the webviews and the tests.
 */
import * as v from 'valibot';

/** The stepper panel's strings (webview/main.ts, toolbar, graph, detail pane, caption). */
export const STEPPER_TEXT = {
  stepForward: 'Step Forward',
  stepBackward: 'Step Backward',
  previousStep: 'Previous Step',
  nextStep: 'Next Step',
  runForward: 'Run Forward Pass',
  runBackward: 'Run Backward Pass',
  reset: 'Reset',
  toggleComposite: 'Toggle Composite Layers',
  zoomIn: 'Zoom In',
  zoomOut: 'Zoom Out',
  fit: 'Fit to View',
  timeline: 'Timeline: step',
  forward: 'forward',
  backward: 'backward',
  done: 'done',
  waiting: 'Waiting for a .backprop file…',
  layingOut: 'Laying out the graph…',
  repeatedInput: 'repeated input: the same node as the one drawn further left (click to select it)',
  captionStart: 'Start: only the inputs are known. Step forward to compute the graph left to right.',
  forwardCap: 'Forward',
  backwardCap: 'Backward',
  allDone: 'every gradient is computed',
  graph: 'Computational graph',
  nodes: 'Graph nodes',
  detail: 'Selected node',
  noSelection: 'Click a node to see its forward value, its gradients and its local rule. Double-click goes to its line.',
  value: 'Forward value',
  notYetComputed: 'not computed yet',
  dout: 'Incoming gradient (dout)',
  outGrads: 'Gradients sent to the inputs',
  gradOf: 'gradient of',
  leafGrad: 'Gradient (summed over all uses)',
  rule: 'Local rule',
  formula: 'Formula',
  inputs: 'Inputs',
  usedBy: 'Used by',
  shape: 'shape',
  scalar: 'scalar',
  line: 'line',
  loadedFrom: 'loaded from',
  rowsShown: 'showing {0} of {1} rows',
  goToLine: 'Go to line',
  showAll: 'Show all values',
  showLess: 'Show fewer values',
  leaf: 'input',
  constant: 'constant',
  output: 'output',
  error: 'Error',
  column: 'column',
  close: 'Close',
  keysHint: '←/→ step · Shift+→ step backward · Home reset · End run all · F fit',
  mismatch: 'Differs from the rule',
  yours: 'yours',
  reference: 'reference',
  following: 'current step',
  followStep: 'Follow the current step',
  arithmetic: 'Arithmetic of this step',
  labelsNoGrad: 'labels (no gradient)',
  constantNoGrad: 'constant (no gradient)',
  figure: 'Figure',
  showTable: 'Show or hide the table',
  practiceMode: 'Practice',
  practiceScore: 'score',
  practiceStop: 'Stop practice',
  practiceAsk: 'Practice: type the gradients this node sends to its inputs (in the details).',
  practiceAskFor: 'Your answer for',
  practicePlaceholder: 'e.g. 2.2, -1/4, [0.5, -0.5]',
  practiceCheck: 'Check',
  practiceRight: 'right',
  practiceWrong: 'Not quite.',
  practiceInvalid: 'Type a number, a fraction such as 1/4, or a list such as [1, 2].',
} as const;

/** The training / gradient-check panel's strings (webview/train/main.ts). */
export const TRAIN_TEXT = {
  title: 'Training a two-layer net',
  subtitle: 'Affine → ReLU → Affine → Softmax-with-Loss, trained with backpropagation and SGD (chapter 5.7)',
  noRun: 'No training yet. Run “Backprop: Train Two-Layer Net” from the command palette.',
  loading: 'Loading data…',
  running: 'Training…',
  done: 'Done',
  cancelled: 'Cancelled',
  error: 'Error',
  cancel: 'Cancel',
  openGraph: 'Open trained net as a graph',
  trainAgain: 'Train again…',
  loss: 'Loss per iteration',
  lossSeries: 'loss',
  accuracy: 'Accuracy per epoch',
  trainAcc: 'train accuracy',
  testAcc: 'test accuracy',
  iteration: 'iteration',
  epoch: 'epoch',
  data: 'Data',
  samples: '{0} training / {1} test samples',
  settings: 'hidden {0} · batch {1} · learning rate {2} · {3} iterations · seed {4}',
  result: '{0} iterations in {1} s ({2}) · train accuracy {3} · test accuracy {4}',
  gradcheck: 'Gradient check',
  gradcheckSubtitle: 'The numerical gradient (central difference) against backpropagation, leaf by leaf (chapter 5.7.3)',
  gradcheckOf: 'Gradient check of {0}',
  sampledLeaf: 'checked {0} of {1} elements of {2} (seeded sample): checking all of them would take too long',
  gradcheckRunning: 'Computing the numerical gradient…',
  gradcheckNone: 'No gradient check yet. Open a .backprop file and run “Backprop: Gradient Check”.',
  leaf: 'Leaf',
  shape: 'Shape',
  maxDiff: 'Max |Δ|',
  meanDiff: 'Mean |Δ|',
  ok: 'agrees',
  bad: 'check',
  worst: 'Largest differences',
  position: 'Position',
  backprop: 'Backprop',
  numerical: 'Numerical',
  timings: 'Numerical gradient {0} ms · backprop {1} ms · the numerical gradient took {2}× as long ({3} parameters, h = {4})',
  meaningGood:
    'Every difference is below 1e-6: the gradients backpropagation computes agree with the slow but simple numerical gradient (central difference), so the backward pass is implemented correctly. Backprop gets all of them from one forward and one backward pass; the numerical gradient needs two forward passes per parameter.',
  meaningBad:
    'Some differences are 1e-6 or more (highlighted): backprop and the numerical gradient disagree there. Either a backward rule is wrong, or the function has a kink near that point (ReLU at 0, for example), where the central difference is not exact.',
} as const;

export type StepperTextKey = keyof typeof STEPPER_TEXT;
export type TrainTextKey = keyof typeof TRAIN_TEXT;

/** A loaded l10n bundle: English source string → translation (`vscode.l10n.bundle`, or a bundle file). */
export type L10nBundle = Readonly<Record<string, string>>;

/** Each key's text in the bundle's language: its translation, or the English source when the bundle has none. */
export function localizeTable<K extends string>(table: Readonly<Record<K, string>>, bundle: L10nBundle | undefined): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const key of Object.keys(table) as K[]) {
    const en = table[key];
    const tr = bundle && Object.hasOwn(bundle, en) ? bundle[en] : undefined;
    out[key] = typeof tr === 'string' && tr !== '' ? tr : en;
  }
  return out;
}

/** The `<meta name=…>` that carries a panel's strings in its HTML (no inline script: the CSP stays as it is). */
export const UI_TEXT_META = 'backprop-ui-text';

/** What the meta element holds: key → text. */
export const UiTextSchema = v.record(v.string(), v.string());

/** Replaces {0}, {1}, … by the arguments (a missing one stays as written). */
export function formatText(text: string, args: readonly (string | number)[]): string {
  return text.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}
