/**
 * Book-style "scripts" in TypeScript that write traces like the tracer would: the apple and
 * orange example (figure 5-17) and a small two-layer net, correct or with a deliberate bug.
 */
import { arr, dot, map, sumRows, TraceWriter, zip, type Arr } from './helpers';

export type AppleBug = 'none' | 'mulNoSwap' | 'addDoubles';

/** buy_apple_orange.py: apple 100 × 2, orange 150 × 3, sum, × tax 1.1; backward from dprice = 1. */
export function buyAppleOrange(bug: AppleBug = 'none'): TraceWriter {
  const w = new TraceWriter('/work/buy_apple_orange.py');
  const apple = arr(100);
  const appleNum = arr(2);
  const orange = arr(150);
  const orangeNum = arr(3);
  const tax = arr(1.1);
  w.id(apple, 'apple', 'int');
  w.id(appleNum, 'apple_num', 'int');
  w.id(orange, 'orange', 'int');
  w.id(orangeNum, 'orange_num', 'int');
  w.id(tax, 'tax', 'float');
  const mul = (name: string) => w.layer({ cls: 'MulLayer', name, forwardParams: ['x', 'y'] });
  const mulApple = mul('mul_apple_layer');
  const mulOrange = mul('mul_orange_layer');
  const addAO = w.layer({ cls: 'AddLayer', name: 'add_apple_orange_layer', forwardParams: ['x', 'y'] });
  const mulTax = mul('mul_tax_layer');
  const times = (a: Arr, b: Arr) => zip(a, b, (x, y) => x * y);
  const applePrice = times(apple, appleNum);
  w.forward(mulApple, { x: apple, y: appleNum }, applePrice, 10, 'apple_price');
  const orangePrice = times(orange, orangeNum);
  w.forward(mulOrange, { x: orange, y: orangeNum }, orangePrice, 11, 'orange_price');
  const allPrice = zip(applePrice, orangePrice, (x, y) => x + y);
  w.forward(addAO, { x: applePrice, y: orangePrice }, allPrice, 12, 'all_price');
  const price = times(allPrice, tax);
  w.forward(mulTax, { x: allPrice, y: tax }, price, 13, 'price');
  // backward
  const dprice = arr(1);
  const mulBack = (x: Arr, y: Arr, d: Arr, swap: boolean): [Arr, Arr] => (swap ? [times(d, y), times(d, x)] : [times(d, x), times(d, y)]);
  const [dAll, dTax] = mulBack(allPrice, tax, dprice, bug !== 'mulNoSwap');
  w.backward(mulTax, dprice, [dAll, dTax], 16);
  const k = bug === 'addDoubles' ? 2 : 1;
  const dApplePrice = map(dAll, (x) => x * k);
  const dOrangePrice = map(dAll, (x) => x);
  w.backward(addAO, dAll, [dApplePrice, dOrangePrice], 17);
  const [dOrange, dOrangeNum] = mulBack(orange, orangeNum, dOrangePrice, true);
  w.backward(mulOrange, dOrangePrice, [dOrange, dOrangeNum], 18);
  const [dApple, dAppleNum] = mulBack(apple, appleNum, dApplePrice, true);
  w.backward(mulApple, dApplePrice, [dApple, dAppleNum], 19);
  return w;
}

export type NetBug = 'none' | 'reluNoMask' | 'dbNotSummed' | 'dWNotTransposed';

/** A TwoLayerNet pass: Affine1 → Relu1 → Affine2 → SoftmaxWithLoss (batch 3, 4 → 5 → 3), as the book's gradient(). */
export function twoLayerNet(bug: NetBug = 'none'): TraceWriter {
  const w = new TraceWriter('/work/two_layer_net.py');
  const x = arr([
    [0.1, -0.2, 0.3, 0.5],
    [-0.4, 0.6, 0.2, -0.1],
    [0.9, 0.1, -0.3, 0.2],
  ]);
  const t = arr([
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0],
  ]);
  const W1 = { shape: [4, 5], data: Array.from({ length: 20 }, (_, i) => Math.sin(i + 1) * 0.5) };
  const b1 = { shape: [5], data: [0.1, -0.1, 0.05, 0, 0.2] };
  const W2 = { shape: [5, 3], data: Array.from({ length: 15 }, (_, i) => Math.cos(i + 2) * 0.5) };
  const b2 = { shape: [3], data: [0, 0.1, -0.1] };
  w.id(x, 'x');
  w.id(t, 't');
  w.id(W1, 'W1');
  w.id(b1, 'b1');
  w.id(W2, 'W2');
  w.id(b2, 'b2');
  const A1 = w.layer({ cls: 'Affine', name: 'Affine1', forwardParams: ['x'], params: { W: W1, b: b1 } });
  const R1 = w.layer({ cls: 'Relu', name: 'Relu1', forwardParams: ['x'] });
  const A2 = w.layer({ cls: 'Affine', name: 'Affine2', forwardParams: ['x'], params: { W: W2, b: b2 } });
  const L = w.layer({ cls: 'SoftmaxWithLoss', name: 'lastLayer', forwardParams: ['x', 't'] });
  const affine = (xx: Arr, W: Arr, b: Arr) => zip(dot(xx, W), b, (p, q) => p + q);
  const h1 = affine(x, W1, b1);
  w.forward(A1, { x }, h1, 40);
  const mask = h1.data.map((v) => v <= 0);
  const r1 = map(h1, (v) => (v > 0 ? v : 0));
  w.forward(R1, { x: h1 }, r1, 40);
  const h2 = affine(r1, W2, b2);
  w.forward(A2, { x: r1 }, h2, 40);
  // softmax with loss
  const y = { shape: [3, 3], data: [] as number[] };
  for (let i = 0; i < 3; i++) {
    const row = h2.data.slice(i * 3, i * 3 + 3);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    y.data.push(...e.map((v) => v / s));
  }
  let loss = 0;
  for (let i = 0; i < 9; i++) loss += t.data[i] * Math.log(y.data[i] + 1e-7);
  const lossV = arr(-loss / 3);
  w.forward(L, { x: h2, t }, lossV, 43, 'loss');
  // backward (as gradient(): dout = 1, then the layers reversed)
  const dout = arr(1);
  const dh2 = zip(y, t, (a, b) => (a - b) / 3);
  w.backward(L, dout, [dh2], 47);
  const affineBack = (xx: Arr, W: Arr, d: Arr): { dx: Arr; dW: Arr; db: Arr } => {
    const dx = dot(d, W, false, true);
    const dW = bug === 'dWNotTransposed' ? dot(d, xx, true, false) : dot(xx, d, true, false);
    const db = bug === 'dbNotSummed' ? d : sumRows(d);
    return { dx, dW, db };
  };
  const g2 = affineBack(r1, W2, dh2);
  w.backward(A2, dh2, [g2.dx], 50, { dW: g2.dW, db: g2.db });
  // The book's Relu writes into dout (dout[self.mask] = 0) and returns it: recorded as copies.
  const dr = { shape: [...g2.dx.shape], data: [...g2.dx.data] };
  const dRelu = bug === 'reluNoMask' ? dr : map(dr, (v, i) => (mask[i] ? 0 : v));
  w.backward(R1, g2.dx, [dRelu], 50);
  const g1 = affineBack(x, W1, dRelu);
  w.backward(A1, dRelu, [g1.dx], 50, { dW: g1.dW, db: g1.db });
  return w;
}
