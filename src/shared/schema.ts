/**
 * The schemas (valibot) of what crosses a boundary between the extension host and a webview: the
 * messages each panel's webview posts and the state the stepper's webview persists. Both are
 * untrusted input; the host and the webviews import these same schemas, and the TypeScript types
 * of `protocol.ts` are inferred from them. Pure: no `vscode`, no DOM.
 */
import * as v from 'valibot';

/** A count or an index: a whole number from 0 to 1e9. */
export const IndexSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1e9));

/** A whole number ≥ 0 (a step cursor or a node id of a saved state). */
const NonNegativeIntegerSchema = v.pipe(v.number(), v.integer(), v.minValue(0));

/** A plain object (not null, not an array). */
function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A plain object. */
export const RecordSchema = v.custom<Record<string, unknown>>(isRecord, 'expected an object');

/**
 * A plain object's own enumerable properties, as a fresh object: nothing inherited from a
 * prototype counts (valibot's `object` reads inherited properties too). `__proto__` stays a plain key.
 */
export const OwnPropertiesSchema = v.pipe(
  RecordSchema,
  v.transform((x) => Object.fromEntries(Object.keys(x).map((k) => [k, x[k]])) as Record<string, unknown>),
);

// ---------------------------------------------------------------------------------------------
// The stepper panel (viewType `backprop.stepper`)
// ---------------------------------------------------------------------------------------------

export const STEP_COMMANDS = [
  'stepForward',
  'stepBackward',
  'previousStep',
  'nextStep',
  'runForward',
  'runBackward',
  'reset',
  'toggleComposite',
] as const;

export const FigureFormatSchema = v.picklist(['svg', 'png']);

/** The largest figure the host accepts from the webview (characters). */
export const MAX_FIGURE_CHARS = 32 * 1024 * 1024;

const figureData = (re: RegExp, what: string) =>
  v.pipe(v.string(), v.minLength(1, 'the figure is empty'), v.maxLength(MAX_FIGURE_CHARS, 'the figure is too large'), v.regex(re, `the figure is not ${what}`));

/**
 * A change the stepper's webview asks the host for; every one takes one door (the host's command
 * runner, which changes the controller: the panel then shows what the controller has).
 */
export const PanelChangeSchema = v.pipe(RecordSchema, v.variant('kind', [
  /** A toolbar button or key: a step command. */
  v.object({ kind: v.literal('command'), command: v.picklist(STEP_COMMANDS) }),
  /** The timeline: go to a step. */
  v.object({ kind: v.literal('goTo'), step: IndexSchema }),
  /** Pin a node (null: follow the steps again); `reveal` also shows its line in the editor. */
  v.object({ kind: v.literal('select'), node: v.nullable(IndexSchema), reveal: v.boolean() }),
  /** The student left practice mode from the panel. */
  v.object({ kind: v.literal('practice'), enabled: v.boolean() }),
]));

/** Every message the stepper's webview may post; anything else is dropped. */
export const WebviewToHostSchema = v.pipe(RecordSchema, v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('change'), change: PanelChangeSchema }),
  /** The student clicked element [row][col] of the gradient sent into argument `input` of `node`. */
  v.object({ type: v.literal('explainElement'), node: IndexSchema, input: IndexSchema, row: IndexSchema, col: IndexSchema }),
  /** The figure asked for: SVG text, or PNG as base64 (no data: prefix). */
  v.variant('format', [
    v.object({ type: v.literal('figure'), requestId: IndexSchema, format: v.literal('svg'), data: figureData(/^(<\?xml[^>]*>\s*)?<svg[\s>]/, 'SVG') }),
    v.object({ type: v.literal('figure'), requestId: IndexSchema, format: v.literal('png'), data: figureData(/^[A-Za-z0-9+/]+={0,2}$/, 'base64') }),
  ]),
  /** Why the figure could not be drawn (cut to 500 characters). */
  v.object({ type: v.literal('figureError'), requestId: IndexSchema, message: v.pipe(v.string(), v.transform((s) => s.slice(0, 500))) }),
]));

/** The fields of the state the stepper's webview keeps with `setState`, so a reload restores the panel. */
const PERSISTED_STATE_ENTRIES = {
  uri: v.pipe(v.string(), v.minLength(1, 'no document URI'), v.maxLength(4096, 'the document URI is too long')),
  cursor: v.fallback(NonNegativeIntegerSchema, 0),
  expanded: v.fallback(v.boolean(), false),
  selected: v.fallback(v.nullable(NonNegativeIntegerSchema), null),
};

/**
 * The persisted state, as the host reads it back (from the webview, or from its own copy): own
 * properties only; a field that is missing or malformed takes its default, a missing or malformed
 * URI rejects the whole state. The host also checks that the URI is a document it may open.
 */
export const PersistedStateSchema = v.pipe(OwnPropertiesSchema, v.object(PERSISTED_STATE_ENTRIES));

/** The panel's pan and zoom. */
export const ViewSchema = v.object({ x: v.pipe(v.number(), v.finite()), y: v.pipe(v.number(), v.finite()), k: v.pipe(v.number(), v.finite()) });

/** Practice scores of one file. */
export const ScoreSchema = v.object({ right: v.pipe(v.number(), v.integer()), wrong: v.pipe(v.number(), v.integer()) });

/** Practice scores by file: a malformed entry is left out, the others kept. */
const ScoresSchema = v.pipe(
  RecordSchema,
  v.record(v.string(), v.fallback(v.nullable(ScoreSchema), null)),
  v.transform((r) => {
    const out: Record<string, v.InferOutput<typeof ScoreSchema>> = {};
    for (const [uri, s] of Object.entries(r)) if (s) out[uri] = s;
    return out;
  }),
);

/**
 * What the stepper's webview keeps with `setState`: the persisted state plus what only the webview
 * reads (its view, the layout it belongs to, practice scores). Read back the same way: own
 * properties only, malformed optional fields dropped.
 */
export const PanelStateSchema = v.pipe(
  OwnPropertiesSchema,
  v.object({
    ...PERSISTED_STATE_ENTRIES,
    view: v.fallback(v.optional(ViewSchema), undefined),
    layoutKey: v.fallback(v.optional(v.string()), undefined),
    scores: v.fallback(v.optional(ScoresSchema), undefined),
  }),
);

// ---------------------------------------------------------------------------------------------
// The training / gradient-check panel (viewType `backprop.training`)
// ---------------------------------------------------------------------------------------------

/** Every message the training panel's webview may post; anything else is dropped. */
export const TrainWebviewToHostSchema = v.pipe(RecordSchema, v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('cancel') }),
  v.object({ type: v.literal('cancelGradcheck') }),
  v.object({ type: v.literal('openGraph') }),
  v.object({ type: v.literal('trainAgain') }),
  /** What the charts have drawn so far (reported after each redraw; the test hook reads it). */
  v.object({ type: v.literal('chartState'), runId: IndexSchema, lossPoints: IndexSchema, accuracyPoints: IndexSchema }),
]));

/** The value when `x` fits the schema (the schema's output: unknown keys dropped), else undefined. */
export function parseOrUndefined<S extends v.GenericSchema>(schema: S, x: unknown): v.InferOutput<S> | undefined {
  const r = v.safeParse(schema, x, { abortEarly: true });
  return r.success ? r.output : undefined;
}
