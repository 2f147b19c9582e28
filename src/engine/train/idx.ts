/**
 * The idx file format of MNIST (and Fashion-MNIST), parsed from bytes.
 *
 * Layout (big-endian): two zero bytes, a type code (0x08 = unsigned byte), the number of
 * dimensions, then one 32-bit size per dimension, then the values in row-major order.
 * Images are `00 00 08 03` (count × rows × cols), labels `00 00 08 01` (count).
 *
 * Pure: no file system here. Every malformed input gives an `IdxError` naming the file and
 * what is wrong, never a crash or a silently wrong array.
 */

export class IdxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdxError';
  }
}

export interface IdxArray {
  /** Sizes from the header, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The values, a view into the input bytes (no copy). */
  data: Uint8Array;
}

const UBYTE = 0x08;

/**
 * Largest idx file accepted, compressed or not, in bytes (128 MB): more than any MNIST-format
 * file (the 60,000 training images are 47 MB). Gunzipping stops there, so a small .gz cannot
 * decompress into gigabytes.
 */
export const MAX_IDX_BYTES = 128 * 2 ** 20;

/** The message for data past MAX_IDX_BYTES (`what`: "is", "decompresses to"). */
export function idxTooLarge(name: string, what: string): string {
  return `${name}: ${what} more than ${MAX_IDX_BYTES / 2 ** 20} MB, more than any MNIST-format file (the 60,000 training images are 47 MB)`;
}

/**
 * Parses an idx file of unsigned bytes with exactly `rank` dimensions.
 * `name` only labels error messages.
 */
export function parseIdx(bytes: Uint8Array, rank: number, name: string): IdxArray {
  const expectedMagic = hexMagic(rank);
  if (bytes.length < 4) {
    throw new IdxError(`${name}: file is ${bytes.length} bytes long, too short for an idx header (expected magic number ${expectedMagic})`);
  }
  const magic = hex4(bytes, 0);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE || bytes[3] !== rank) {
    const hint = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (it looks gzip-compressed: name it with a .gz ending)' : '';
    throw new IdxError(`${name}: wrong magic number ${magic}, expected ${expectedMagic}${hint}`);
  }
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new IdxError(`${name}: truncated header: ${bytes.length} bytes, the header alone needs ${headerLength}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const expectedLength = headerLength + count;
  if (bytes.length < expectedLength) {
    throw new IdxError(
      `${name}: truncated: header says ${dims.join(' × ')} = ${count} values (${expectedLength} bytes with the header) but the file has ${bytes.length} bytes`,
    );
  }
  if (bytes.length > expectedLength) {
    throw new IdxError(
      `${name}: header says ${dims.join(' × ')} = ${count} values (${expectedLength} bytes with the header) but the file has ${bytes.length} bytes: sizes disagree with the file length`,
    );
  }
  return { dims, data: bytes.subarray(headerLength, expectedLength) };
}

function hex4(bytes: Uint8Array, at: number): string {
  let s = '0x';
  for (let i = at; i < at + 4; i++) s += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return s;
}

function hexMagic(rank: number): string {
  return `0x000008${rank.toString(16).padStart(2, '0')}`;
}

/** True when the bytes start with the gzip signature (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
