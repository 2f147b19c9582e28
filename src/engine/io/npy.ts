/**
 * numpy's `.npy` format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html),
 * read into the engine's float64 tensors and written from them. Pure: bytes in, bytes out.
 *
 * Reads format versions 1.0, 2.0 and 3.0; dtypes float64, float32, int8–int64, uint8–uint64 and
 * bool, either byte order; C order; shapes of rank 0, 1 or 2 (the engine's tensors). Everything
 * else is a clear `NpyError`: Fortran order, object (pickled) and structured arrays, other dtypes,
 * rank > 2, and files shorter than their header claims. Sizes are checked against the limit and
 * the file's real length before anything is allocated.
 *
 * Writes version 1.0, little-endian float64 (`<f8`), C order: what `np.save` writes for a float
 * array, so `np.load` reads it back exactly.
 */
import { Tensor, shapeSize } from '../tensor';

/** A file that is not an `.npy` array the engine can use; the message says why. */
export class NpyError extends Error {}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Longest header accepted (numpy's own are a few hundred bytes; version 1 allows 65,535). */
const MAX_HEADER_BYTES = 1 << 20;

interface Dtype {
  readonly name: string;
  readonly size: number;
  read(view: DataView, offset: number, little: boolean): number;
}

const DTYPES: Readonly<Record<string, Dtype>> = {
  f8: { name: 'float64', size: 8, read: (v, o, le) => v.getFloat64(o, le) },
  f4: { name: 'float32', size: 4, read: (v, o, le) => v.getFloat32(o, le) },
  i1: { name: 'int8', size: 1, read: (v, o) => v.getInt8(o) },
  i2: { name: 'int16', size: 2, read: (v, o, le) => v.getInt16(o, le) },
  i4: { name: 'int32', size: 4, read: (v, o, le) => v.getInt32(o, le) },
  i8: { name: 'int64', size: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  u1: { name: 'uint8', size: 1, read: (v, o) => v.getUint8(o) },
  u2: { name: 'uint16', size: 2, read: (v, o, le) => v.getUint16(o, le) },
  u4: { name: 'uint32', size: 4, read: (v, o, le) => v.getUint32(o, le) },
  u8: { name: 'uint64', size: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
  b1: { name: 'bool', size: 1, read: (v, o) => (v.getUint8(o) === 0 ? 0 : 1) },
};

/** Names of dtypes the engine cannot hold, for the message. */
const OTHER_KINDS: Readonly<Record<string, string>> = {
  c: 'complex numbers',
  U: 'Unicode strings',
  S: 'byte strings',
  a: 'byte strings',
  V: 'raw bytes (void)',
  M: 'dates',
  m: 'time spans',
};

export interface NpyHeader {
  /** numpy's name of the dtype, e.g. `float32`. */
  dtype: string;
  shape: number[];
  /** Offset of the first data byte. */
  dataOffset: number;
}

function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Parses the header; `maxElements` bounds the array before any allocation. */
export function readNpyHeader(bytes: Uint8Array, maxElements: number): NpyHeader & { type: Dtype; little: boolean } {
  if (!isNpy(bytes)) throw new NpyError('this is not a .npy file (it does not start with \\x93NUMPY)');
  if (bytes.length < 10) throw new NpyError('the file is truncated: it ends inside the .npy header');
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3) throw new NpyError(`.npy format version ${major}.${minor} is not supported (versions 1.0, 2.0 and 3.0 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new NpyError('the file is truncated: it ends inside the .npy header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (headerLen > MAX_HEADER_BYTES) throw new NpyError(`the .npy header claims ${count(headerLen)} bytes, more than any real header (limit ${count(MAX_HEADER_BYTES)})`);
  if (start + headerLen > bytes.length) throw new NpyError(`the file is truncated: the header claims ${count(headerLen)} bytes but the file has only ${count(bytes.length - start)} after the preamble`);
  const raw = bytes.subarray(start, start + headerLen);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(raw);
  const parsed = parseHeaderDict(header);
  const kind = parsed.descr.slice(1, 2);
  if (parsed.descr.startsWith('|O') || kind === 'O') {
    throw new NpyError('this .npy holds Python objects (dtype object, stored with pickle); save a numeric array instead, e.g. np.save(f, a.astype(np.float64))');
  }
  const order = parsed.descr[0];
  const type = DTYPES[parsed.descr.slice(1)];
  if (!'<>|='.includes(order) || type === undefined) {
    const what = OTHER_KINDS[kind];
    throw new NpyError(`the dtype '${parsed.descr}'${what ? ` (${what})` : ''} is not supported; use float64, float32, int8–int64, uint8–uint64 or bool`);
  }
  if (parsed.shape.length > 2) {
    throw new NpyError(`the array has ${parsed.shape.length} dimensions (shape (${parsed.shape.join(', ')})); the graph holds scalars, vectors and matrices: reshape it to 2-D first, e.g. a.reshape(len(a), -1)`);
  }
  if (parsed.fortranOrder && parsed.shape.length === 2 && parsed.shape[0] > 1 && parsed.shape[1] > 1) {
    throw new NpyError('the array is stored in Fortran (column-major) order; save it in C order: np.save(f, np.ascontiguousarray(a))');
  }
  let elements = 1;
  for (const d of parsed.shape) {
    if (d > maxElements) elements = Infinity;
    elements *= d;
  }
  if (elements > maxElements) {
    throw new NpyError(`the array has shape (${parsed.shape.join(', ')}), ${Number.isFinite(elements) ? count(elements) : 'too many'} elements; the limit is ${count(maxElements)} per tensor`);
  }
  const dataOffset = start + headerLen;
  const need = elements * type.size;
  if (bytes.length - dataOffset < need) {
    throw new NpyError(`the file is truncated: shape (${parsed.shape.join(', ')}) of ${type.name} needs ${count(need)} bytes of data, but the file has ${count(bytes.length - dataOffset)}`);
  }
  // '|' (not applicable: one byte) and '=' (native) read as little-endian, as on every machine numpy runs on today.
  return { dtype: type.name, shape: parsed.shape, dataOffset, type, little: order !== '>' };
}

/** The three keys of numpy's header dictionary, read without evaluating Python. */
function parseHeaderDict(header: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const bad = (what: string): never => {
    throw new NpyError(`the .npy header is not valid (${what}): ${JSON.stringify(header.trim().slice(0, 120))}`);
  };
  if (/['"]descr['"]\s*:\s*\[/.test(header)) {
    throw new NpyError('this .npy holds a structured array (named fields); save each field as its own array');
  }
  const descr = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(header)?.[2] ?? bad("no 'descr'");
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1] ?? bad("no 'fortran_order'");
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? bad("no 'shape'");
  const shape: number[] = [];
  for (const part of shapeText.split(',')) {
    const p = part.trim().replace(/L$/, '');
    if (p === '') continue;
    if (!/^\d{1,15}$/.test(p)) bad(`the shape has '${p}'`);
    shape.push(Number(p));
  }
  return { descr, fortranOrder: fortran === 'True', shape };
}

/**
 * Reads an `.npy` file as a float64 tensor (as numpy's `a.astype(np.float64)`: int64 values beyond
 * 2^53 round). Throws NpyError with the reason when it cannot.
 */
export function readNpy(bytes: Uint8Array, maxElements: number): { tensor: Tensor; dtype: string } {
  const h = readNpyHeader(bytes, maxElements);
  const n = shapeSize(h.shape);
  const data = new Float64Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, n * h.type.size);
  const size = h.type.size;
  for (let i = 0; i < n; i++) data[i] = h.type.read(view, i * size, h.little);
  return { tensor: new Tensor(h.shape, data), dtype: h.dtype };
}

function shapeTuple(shape: readonly number[]): string {
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** Writes a tensor as `.npy` version 1.0: little-endian float64, C order, header padded to 64 bytes. */
export function writeNpy(t: Tensor): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeTuple(t.shape)}, }`;
  // numpy pads with spaces so that the data starts at a multiple of 64, and ends the header with '\n'.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + t.size * 8);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  for (let i = 0; i < t.size; i++) view.setFloat64(total + i * 8, t.data[i], true);
  return out;
}
