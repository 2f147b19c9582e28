/**
 * numpy's `.npz` archives (`np.savez`, stored, and `np.savez_compressed`, deflated): a zip file
 * with one `.npy` per array, named `KEY.npy`. Unzipping is fflate's; only the requested array is
 * decompressed, after its claimed size passed the limit, into a buffer of exactly that size (so
 * a zip bomb cannot grow it).
 */
import { unzipSync, zipSync } from 'fflate';
import type { Tensor } from '../tensor';
import { NpyError, readNpy, writeNpy } from './npy';

/** Bytes of header a `.npy` inside an archive may add to its data. */
const HEADER_ALLOWANCE = 1 << 16;

/** The keys (array names) of an archive, in archive order. Throws NpyError for a file that is not a zip. */
export function npzKeys(bytes: Uint8Array): string[] {
  const keys: string[] = [];
  unzipEntries(bytes, (name) => {
    if (name.endsWith('.npy')) keys.push(name.slice(0, -4));
    return false;
  });
  return keys;
}

function unzipEntries(bytes: Uint8Array, want: (name: string, originalSize: number, compression: number) => boolean): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes, { filter: (f) => want(f.name, f.originalSize, f.compression) });
  } catch (e) {
    if (e instanceof NpyError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new NpyError(`this is not a readable .npz (zip) archive: ${why}`);
  }
}

/** Reads array `key` of an archive as a float64 tensor; throws NpyError (unknown key, bad entry, …). */
export function readNpz(bytes: Uint8Array, key: string, maxElements: number): { tensor: Tensor; dtype: string } {
  const maxBytes = maxElements * 8 + HEADER_ALLOWANCE;
  const entry = `${key}.npy`;
  const keys: string[] = [];
  const files = unzipEntries(bytes, (name, originalSize, compression) => {
    if (name.endsWith('.npy')) keys.push(name.slice(0, -4));
    if (name !== entry) return false;
    if (compression !== 0 && compression !== 8) throw new NpyError(`the array '${key}' is compressed with zip method ${compression}; only stored and deflated (np.savez, np.savez_compressed) are supported`);
    if (originalSize > maxBytes) {
      throw new NpyError(`the array '${key}' is ${originalSize.toLocaleString('en-US')} bytes uncompressed, more than a tensor of ${maxElements.toLocaleString('en-US')} float64 elements`);
    }
    return true;
  });
  const data = files[entry];
  if (data === undefined) {
    const list = keys.length === 0 ? 'it holds no arrays' : `its arrays are ${keys.map((k) => `'${k}'`).join(', ')}`;
    throw new NpyError(`the archive has no array '${key}'; ${list}`);
  }
  try {
    return readNpy(data, maxElements);
  } catch (e) {
    if (e instanceof NpyError) throw new NpyError(`array '${key}': ${e.message}`);
    throw e;
  }
}

/** Writes arrays as an `.npz` (what `np.savez_compressed` writes: one deflated `KEY.npy` each); `np.load` reads it. */
export function writeNpz(arrays: Readonly<Record<string, Tensor>>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [key, t] of Object.entries(arrays)) entries[`${key}.npy`] = writeNpy(t);
  return zipSync(entries, { level: 6 });
}
