/** The functions a `.backprop` program can call. */
import type { OpKind } from '../engine/graph';
import { LAYERS } from '../engine/layers';

/** Functions that build a constant tensor (a leaf): their arguments are sizes. */
export const CONSTANT_FUNCTIONS = ['zeros', 'ones', 'randn', 'eye'] as const;
export type ConstantFunction = (typeof CONSTANT_FUNCTIONS)[number];

/** A function that becomes one node of the graph: its operation and parameter names. */
export interface LayerFunction {
  op: OpKind;
  params: readonly string[];
}

/**
 * Functions that become one node of the graph, from the layers' specs (`functions`), in the order
 * of the engine's `LAYERS`. A null-prototype object: look names up with `layerFunction(name)` (a
 * user's `constructor(x)` or `__proto__(x)` must find nothing, not a member of `Object.prototype`).
 */
export const LAYER_FUNCTIONS: Readonly<Record<string, LayerFunction>> = Object.assign(
  Object.create(null) as Record<string, LayerFunction>,
  Object.fromEntries(LAYERS.flatMap((layer) => layer.spec.functions.map((f): [string, LayerFunction] => [f.name, { op: layer.spec.op, params: f.params }]))),
);

/** The layer function called `name`, if there is one (own entries only). */
export function layerFunction(name: string): LayerFunction | undefined {
  return Object.hasOwn(LAYER_FUNCTIONS, name) ? LAYER_FUNCTIONS[name] : undefined;
}

/** `load("x.npy")`, `load("w.npz", "W1")`: a constant tensor from a numpy file (see files.ts). */
export const LOAD_FUNCTION = 'load';

export const ALL_FUNCTIONS: readonly string[] = [...CONSTANT_FUNCTIONS, LOAD_FUNCTION, ...Object.keys(LAYER_FUNCTIONS)];

export function isConstantFunction(name: string): name is ConstantFunction {
  return (CONSTANT_FUNCTIONS as readonly string[]).includes(name);
}

export function isFunctionName(name: string): boolean {
  return ALL_FUNCTIONS.includes(name);
}
