/**
 * A small dense tensor of float64 values (numpy's default dtype, as in the book).
 * Rank 0 (scalar), 1 (vector) or 2 (matrix), row-major.
 */
export type Shape = readonly number[];

/** A tensor as plain JSON: a number, an array of numbers or an array of rows. */
export type NestedArray = number | number[] | number[][];

export class Tensor {
  readonly shape: Shape;
  readonly data: Float64Array;

  constructor(shape: Shape, data: Float64Array) {
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new Error(`tensor data has ${data.length} values but shape (${shape.join(', ')}) needs ${size}`);
    }
    this.shape = Object.freeze([...shape]);
    this.data = data;
  }

  static scalar(v: number): Tensor {
    return new Tensor([], Float64Array.of(v));
  }

  static zeros(shape: Shape): Tensor {
    return new Tensor(shape, new Float64Array(shapeSize(shape)));
  }

  static full(shape: Shape, v: number): Tensor {
    return new Tensor(shape, new Float64Array(shapeSize(shape)).fill(v));
  }

  /** Builds a tensor from a number, a vector or a rectangular matrix; throws on ragged input. */
  static from(x: NestedArray): Tensor {
    if (typeof x === 'number') return Tensor.scalar(x);
    if (x.length === 0 || typeof x[0] === 'number') {
      const v = x as number[];
      if (v.some((e) => typeof e !== 'number')) throw new Error('mixed numbers and rows in a vector');
      return new Tensor([v.length], Float64Array.from(v));
    }
    const rows = x as number[][];
    const cols = rows[0].length;
    const data = new Float64Array(rows.length * cols);
    rows.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== cols) throw new Error(`row ${i + 1} has ${Array.isArray(r) ? r.length : 1} values, row 1 has ${cols}`);
      data.set(r, i * cols);
    });
    return new Tensor([rows.length, cols], data);
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.data.length;
  }

  /** The single value of a scalar or a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new Error(`item() needs one value, tensor has ${this.data.length}`);
    return this.data[0];
  }

  clone(): Tensor {
    return new Tensor(this.shape, this.data.slice());
  }

  /** Plain JSON form: number, number[] or number[][]. */
  toNested(): NestedArray {
    if (this.shape.length === 0) return this.data[0];
    if (this.shape.length === 1) return Array.from(this.data);
    const [r, c] = this.shape;
    const out: number[][] = [];
    for (let i = 0; i < r; i++) out.push(Array.from(this.data.subarray(i * c, (i + 1) * c)));
    return out;
  }
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeToString(shape: Shape): string {
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
