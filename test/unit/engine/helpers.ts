/** Builds engine graphs in tests, without the language (which is written in parallel). */
import type { Graph, GraphNode, OpKind } from '../../../src/engine/graph';
import { inferShape } from '../../../src/engine/layers';
import { Tensor, type NestedArray } from '../../../src/engine/tensor';

const RANGE = { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } };

export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  private readonly counters = new Map<string, number>();

  private label(op: string, name?: string): string {
    if (name) return name;
    const n = (this.counters.get(op) ?? 0) + 1;
    this.counters.set(op, n);
    return `${op}${n}`;
  }

  leaf(name: string | undefined, value: NestedArray | Tensor, opts: { constant?: boolean } = {}): number {
    const v = value instanceof Tensor ? value : Tensor.from(value);
    const id = this.nodes.length;
    const node: GraphNode = {
      id,
      op: 'leaf',
      inputs: [],
      label: this.label('const', name),
      shape: v.shape,
      value: v,
      range: RANGE,
      ...(name ? { name } : {}),
      ...(opts.constant || !name ? { constant: true } : {}),
    };
    this.nodes.push(node);
    return id;
  }

  op(op: OpKind, inputs: number[], opts: { name?: string; exponent?: number } = {}): number {
    const r = inferShape(op, inputs.map((i) => this.nodes[i].shape), { exponent: opts.exponent });
    if ('error' in r) throw new Error(r.error);
    const id = this.nodes.length;
    this.nodes.push({
      id,
      op,
      inputs,
      label: this.label(op, opts.name),
      shape: r.shape,
      range: RANGE,
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.exponent !== undefined ? { exponent: opts.exponent } : {}),
    });
    return id;
  }

  build(output = this.nodes.length - 1): Graph {
    return { nodes: [...this.nodes], output };
  }
}

/** Asserts every element of `actual` is within `tol` of `expected`. */
export function close(actual: Tensor | undefined, expected: NestedArray, tol = 1e-12): boolean {
  if (!actual) return false;
  const e = Tensor.from(expected);
  if (actual.size !== e.size) return false;
  for (let i = 0; i < e.size; i++) if (!(Math.abs(actual.data[i] - e.data[i]) <= tol)) return false;
  return true;
}

/** The book's "buy apple" graph: apple × apple_num × tax. */
export function buyApple(): { graph: Graph; ids: Record<string, number> } {
  const g = new GraphBuilder();
  const apple = g.leaf('apple', 100);
  const appleNum = g.leaf('apple_num', 2);
  const tax = g.leaf('tax', 1.1);
  const applePrice = g.op('mul', [apple, appleNum], { name: 'apple_price' });
  const price = g.op('mul', [applePrice, tax], { name: 'price' });
  return { graph: g.build(price), ids: { apple, apple_num: appleNum, tax, apple_price: applePrice, price } };
}

/** The book's "buy apple and orange" graph. */
export function buyAppleOrange(): { graph: Graph; ids: Record<string, number> } {
  const g = new GraphBuilder();
  const apple = g.leaf('apple', 100);
  const appleNum = g.leaf('apple_num', 2);
  const orange = g.leaf('orange', 150);
  const orangeNum = g.leaf('orange_num', 3);
  const tax = g.leaf('tax', 1.1);
  const applePrice = g.op('mul', [apple, appleNum], { name: 'apple_price' });
  const orangePrice = g.op('mul', [orange, orangeNum], { name: 'orange_price' });
  const all = g.op('add', [applePrice, orangePrice], { name: 'all_price' });
  const price = g.op('mul', [all, tax], { name: 'price' });
  return {
    graph: g.build(price),
    ids: { apple, apple_num: appleNum, orange, orange_num: orangeNum, tax, apple_price: applePrice, orange_price: orangePrice, all_price: all, price },
  };
}
