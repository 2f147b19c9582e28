/**
 * The schemas (valibot) of the arguments our commands accept from outside the code that calls them
 * directly: CodeLens and tree items, `command:` links, keybindings' `args`, tests and other
 * extensions (`vscode.commands.executeCommand`). Anything that does not fit is treated as no
 * argument, or explained by the command (Go to Step…). Pure: no `vscode` (a `Uri` argument is
 * checked where it is used, with `instanceof`).
 */
import * as v from 'valibot';
import type { TrainOptions } from '../engine/train/trainer';
import { OwnPropertiesSchema, parseOrUndefined } from '../shared/schema';

/** Go to Step…: a step number, or a string of one (`"3"`); the command checks it against the graph's steps. */
export const StepArgSchema = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.transform(Number))]),
  v.integer('a step is a whole number'),
  v.minValue(0, 'a step is not negative'),
);

/** Reveal in Editor (Nodes view, panel): a node id, or an object with one (`{ id }`, coerced like `Number(id)`). */
export const RevealNodeArgSchema = v.pipe(
  v.union([v.number(), v.pipe(v.looseObject({ id: v.unknown() }), v.transform((o) => Number(o.id)))]),
  v.integer('a node id is a whole number'),
);

/** Save Tensor…: a node id, a Nodes view node item `{ kind: 'node', id }` or link item `{ kind: 'link', target }`. */
export const NodeArgSchema = v.union([
  v.pipe(v.number(), v.integer()),
  v.pipe(v.looseObject({ id: v.number(), kind: v.optional(v.literal('node')) }), v.transform((o) => o.id)),
  v.pipe(v.looseObject({ kind: v.literal('link'), target: v.number() }), v.transform((o) => o.target)),
]);

/** Open Example…: the example's file name (checked against the examples by the command). */
export const ExampleArgSchema = v.string();

/** Open Example…'s second argument: `{ preserveFocus: true }` keeps the focus where it is. */
export const OpenHowArgSchema = v.pipe(
  v.looseObject({ preserveFocus: v.literal(true) }),
  v.check((x) => !Array.isArray(x)),
);

const finite = v.fallback(v.optional(v.pipe(v.number(), v.finite())), undefined);

/** Train Two-Layer Net's argument (tests, keybindings, other extensions): all optional, own properties only. */
export const TrainArgsSchema = v.pipe(
  OwnPropertiesSchema,
  v.object({
    /** 'spiral' or a folder path / URI with the four idx files. */
    data: v.fallback(v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(4095))), undefined),
    iterations: finite,
    seed: finite,
    hidden: finite,
    batch: finite,
    learningRate: finite,
    weightInitStd: finite,
  }),
  // A malformed option is left out (not set to undefined): the settings' value stands.
  v.transform((o) => Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as TrainArgs),
);

/** Arguments `backprop.train` accepts; all optional. */
export interface TrainArgs extends Partial<TrainOptions> {
  data?: string;
}

/** The argument as the schema reads it, or undefined when it does not fit. */
export function commandArg<S extends v.GenericSchema>(schema: S, arg: unknown): v.InferOutput<S> | undefined {
  return parseOrUndefined(schema, arg);
}
