/** The functions a `.backprop` program can call. */
import type { OpKind } from '../engine/graph';

/** Functions that build a constant tensor (a leaf): their arguments are sizes. */
export const CONSTANT_FUNCTIONS = ['zeros', 'ones', 'randn', 'eye'] as const;
export type ConstantFunction = (typeof CONSTANT_FUNCTIONS)[number];

/**
 * Functions that become one node of the graph, with their operation and parameter names.
 * A null-prototype object: look names up with `layerFunction(name)` (a user's `constructor(x)` or
 * `__proto__(x)` must find nothing, not a member of `Object.prototype`).
 */
export const LAYER_FUNCTIONS: Readonly<Record<string, { op: OpKind; params: readonly string[] }>> = Object.assign(Object.create(null) as Record<string, { op: OpKind; params: readonly string[] }>, {
  relu: { op: 'relu', params: ['x'] },
  sigmoid: { op: 'sigmoid', params: ['x'] },
  tanh: { op: 'tanh', params: ['x'] },
  exp: { op: 'exp', params: ['x'] },
  log: { op: 'log', params: ['x'] },
  sum: { op: 'sum', params: ['x'] },
  mean: { op: 'mean', params: ['x'] },
  affine: { op: 'affine', params: ['x', 'W', 'b'] },
  softmax_with_loss: { op: 'softmax_with_loss', params: ['x', 't'] },
});

/** The layer function called `name`, if there is one (own entries only). */
export function layerFunction(name: string): { op: OpKind; params: readonly string[] } | undefined {
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

/** One-line descriptions, for hovers and completion (English / Korean). */
export const FUNCTION_DOCS: Readonly<Record<string, { signature: string; en: string; ko: string }>> = Object.assign(Object.create(null) as Record<string, { signature: string; en: string; ko: string }>, {
  zeros: { signature: 'zeros(n) / zeros(rows, cols)', en: 'a constant vector or matrix of zeros', ko: '0으로 채운 상수 벡터/행렬' },
  ones: { signature: 'ones(n) / ones(rows, cols)', en: 'a constant vector or matrix of ones', ko: '1로 채운 상수 벡터/행렬' },
  randn: { signature: 'randn(n) / randn(rows, cols)', en: 'standard normal random values from the seeded generator (see `seed N`)', ko: '시드가 정해진 표준정규분포 난수 (`seed N` 참고)' },
  eye: { signature: 'eye(n)', en: 'the n×n identity matrix', ko: 'n×n 단위행렬' },
  load: {
    signature: 'load("x.npy") / load("w.npz", "W1")',
    en: 'a constant tensor from a numpy file (np.save / np.savez), the path relative to this file; scalars, vectors and matrices',
    ko: 'numpy 파일(np.save / np.savez)에서 읽은 상수 텐서, 경로는 이 파일 기준; 스칼라, 벡터, 행렬',
  },
  relu: { signature: 'relu(x)', en: 'ReLU: max(0, x); the gradient passes where x > 0', ko: 'ReLU: max(0, x); x > 0인 곳만 기울기가 흐른다' },
  sigmoid: { signature: 'sigmoid(x)', en: 'sigmoid 1 / (1 + exp(-x)); backward dout·y(1−y)', ko: '시그모이드 1 / (1 + exp(-x)); 역전파 dout·y(1−y)' },
  tanh: { signature: 'tanh(x)', en: 'hyperbolic tangent; backward dout·(1−y²)', ko: '쌍곡탄젠트; 역전파 dout·(1−y²)' },
  exp: { signature: 'exp(x)', en: 'exponential; backward dout·exp(x)', ko: '지수 함수; 역전파 dout·exp(x)' },
  log: { signature: 'log(x)', en: 'natural logarithm; backward dout / x', ko: '자연로그; 역전파 dout / x' },
  sum: { signature: 'sum(x)', en: 'sum of all values (a scalar)', ko: '모든 원소의 합 (스칼라)' },
  mean: { signature: 'mean(x)', en: 'mean of all values (a scalar)', ko: '모든 원소의 평균 (스칼라)' },
  affine: { signature: 'affine(x, W, b)', en: 'Affine layer x·W + b (x a vector or a batch of rows)', ko: 'Affine 계층 x·W + b (x는 벡터 또는 배치)' },
  softmax_with_loss: {
    signature: 'softmax_with_loss(x, t)',
    en: 'softmax then cross-entropy with labels t: one-hot rows like x, or class indices (one whole number per row); t gets no gradient',
    ko: '소프트맥스 후 정답 t와의 교차 엔트로피 오차: t는 x와 같은 모양의 원-핫 행 또는 클래스 번호(행마다 정수 하나); t에는 기울기 없음',
  },
});
