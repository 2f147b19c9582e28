/**
 * The one list of layers. Each class carries its op's spec beside its forward and backward
 * (`static readonly spec`, see layer.ts), and every table of ops is derived from this list:
 * `OpKind` (graph.ts), `OP_ARITY`, `inferShape`, `OP_INFO` / `opInfo`, `createLayer`, and the
 * `.backprop` layer functions (language/builtins.ts). Adding an op is one layer file and one
 * entry in `LAYERS`.
 */
import type { GraphNode, OpKind } from '../graph';
import { MAX_RANK, type ShapeAttrs, type ShapeResult } from '../shapes';
import { shapeToString, type Shape } from '../tensor';
import { AddLayer, SubLayer } from './addSub';
import { Affine } from './affine';
import { ExpLayer, LogLayer } from './expLog';
import type { Layer, LayerClass, LayerSpec } from './layer';
import { MatMulLayer } from './matmul';
import { MulLayer, DivLayer } from './mulDiv';
import { NegLayer } from './neg';
import { PowLayer } from './pow';
import { RecipLayer } from './recip';
import { Relu } from './relu';
import { Sigmoid } from './sigmoid';
import { SoftmaxWithLoss } from './softmaxWithLoss';
import { SumLayer, MeanLayer } from './sumMean';
import { TanhLayer } from './tanh';

export { AddLayer, SubLayer, MulLayer, DivLayer, NegLayer, PowLayer, ExpLayer, LogLayer, TanhLayer, Relu, Sigmoid, RecipLayer, MatMulLayer, SumLayer, MeanLayer, Affine, SoftmaxWithLoss };
export { checkLabels, labelForm, type CheckedLabels, type LabelForm } from './softmaxWithLoss';
export { formatNumber, type Layer, type LayerClass, type LayerSpec, type LanguageFunction } from './layer';
export type { LocalText } from '../arithmetic';

/**
 * Every layer, once. The order is the order of the derived tables (and of the layer functions in
 * the language's messages: relu, sigmoid, tanh, exp, log, sum, mean, affine, softmax_with_loss).
 */
export const LAYERS = [
  AddLayer,
  SubLayer,
  MulLayer,
  DivLayer,
  NegLayer,
  PowLayer,
  Relu,
  Sigmoid,
  TanhLayer,
  ExpLayer,
  LogLayer,
  RecipLayer,
  MatMulLayer,
  SumLayer,
  MeanLayer,
  Affine,
  SoftmaxWithLoss,
] as const satisfies readonly LayerClass[];

/**
 * Operations the engine computes from their inputs: the ops of the layers. Not `leaf` (a given
 * value) nor `custom` (a student's own layer, known only from a recording).
 */
export type OpWithInputs = (typeof LAYERS)[number]['spec']['op'];

const BY_OP: ReadonlyMap<string, LayerClass<OpWithInputs>> = new Map(LAYERS.map((layer) => [layer.spec.op, layer]));

export function isOpWithInputs(op: OpKind): op is OpWithInputs {
  return BY_OP.has(op);
}

/** One entry per layer op, in the order of `LAYERS`. */
function perOp<T>(pick: (spec: LayerSpec<OpWithInputs>) => T): Record<OpWithInputs, T> {
  return Object.fromEntries(LAYERS.map((layer) => [layer.spec.op, pick(layer.spec)])) as Record<OpWithInputs, T>;
}

/** Number of inputs each operation takes. */
export const OP_ARITY: Readonly<Record<OpWithInputs, number>> = perOp((spec) => spec.arity);

/**
 * The output shape of `op` applied to inputs of the given shapes, or an error message, before
 * anything runs: the count of inputs and their ranks here, the op's own rule in its spec.
 * Never throws.
 */
export function inferShape(op: OpKind, inputs: readonly Shape[], attrs?: ShapeAttrs): ShapeResult {
  if (op === 'custom') return { error: "a custom layer's output shape is the shape of what its forward returned" };
  if (op === 'leaf') return { error: 'a leaf has no inputs; its shape is the shape of its value' };
  const spec = BY_OP.get(op)?.spec;
  if (spec === undefined) return { error: `unknown operation '${String(op)}'` };
  if (inputs.length !== spec.arity) {
    const what = spec.arity === 1 ? '1 argument' : `${spec.arity} arguments`;
    return { error: `${spec.written} takes ${what}, got ${inputs.length}` };
  }
  for (const s of inputs) {
    if (s.length > MAX_RANK) {
      return { error: `${spec.written}: shape ${shapeToString(s)} has rank ${s.length}; only scalars, vectors and matrices are supported` };
    }
  }
  const shape = spec.shape(inputs, attrs ?? {});
  return typeof shape === 'string' ? { error: shape } : { shape };
}

/** What the panel says about a node's op. */
export type OpInfo = Pick<LayerSpec, 'symbol' | 'rule' | 'formula' | 'arithmetic'>;

/** A leaf: a given value (no layer). */
const LEAF_INFO: OpInfo = {
  symbol: '',
  rule: {
    en: 'input node: the gradient that arrives here is the derivative of the output with respect to this value',
    ko: '입력 노드: 여기에 도착한 미분이 이 값에 대한 최종 출력의 미분이다',
  },
  formula: '∂L/∂x = Σ (gradients from every place x is used)',
  arithmetic: () => [],
};

/** A student's own layer from a traced script (no layer: only its recording is replayed). */
const CUSTOM_INFO: OpInfo = {
  symbol: 'custom',
  rule: {
    en: "your own layer: the engine has no rule for it, so its gradient is checked numerically (central differences of a copy's forward against the same dout)",
    ko: '직접 만든 계층: 엔진에 규칙이 없으므로 수치 미분(복사본의 forward에 대한 중심 차분)으로 같은 dout에 대한 기울기를 확인한다',
  },
  formula: 'y = forward(x…);  ∂L/∂x ≈ (f(x + h) − f(x − h)) / 2h · ∂L/∂y',
  // No rule to fill in: the student's own backward is checked numerically by the tracer.
  arithmetic: () => [],
};

export const OP_INFO: Readonly<Record<OpKind, OpInfo>> = { leaf: LEAF_INFO, ...perOp((spec) => spec), custom: CUSTOM_INFO };

export function opInfo(op: OpKind): OpInfo {
  return OP_INFO[op];
}

/** A fresh layer for an op node (throws for leaves, custom layers and `pow` without an exponent). */
export function createLayer(node: Pick<GraphNode, 'op' | 'exponent'>): Layer {
  if (node.op === 'custom') throw new Error('a custom layer has no engine rule: only a recording (a traced script) can replay it');
  if (node.op === 'leaf') throw new Error('a leaf has no layer: its value is given');
  const layer = BY_OP.get(node.op);
  if (layer === undefined) throw new Error(`unknown operation '${String(node.op)}'`);
  return new layer(node);
}
