/**
 * Node-side loading of the four MNIST-format idx files from a folder (plain or .gz), for the CLI
 * (`backprop train --data DIR`), the benchmarks and tests. The parsing itself is the engine's (src/engine/train), this only reads bytes.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { IdxError, idxTooLarge, isGzip, MAX_IDX_BYTES } from '../engine/train/idx';
import { findMnistFiles, mnistFromBytes, type MnistBytes, type MnistFileKey, type TrainTestData } from '../engine/train/dataset';

/** The path of each of the four files in a folder (the search is the engine's `findMnistFiles`). */
function mnistPaths(dir: string): Record<MnistFileKey, string> {
  if (!existsSync(dir)) throw new IdxError(`data folder not found: ${dir}`);
  if (!statSync(dir).isDirectory()) throw new IdxError(`not a folder: ${dir}`);
  const names = findMnistFiles((name) => existsSync(join(dir, name)), dir);
  const out = {} as Record<MnistFileKey, string>;
  for (const key of Object.keys(names) as MnistFileKey[]) out[key] = join(dir, names[key]);
  return out;
}

/** Reads a file, gunzipping it when it is gzip-compressed; errors name the file. */
export function readMaybeGzip(path: string): Uint8Array {
  // Both bounded by MAX_IDX_BYTES: the file before reading it, its gunzipped form while inflating.
  if (statSync(path).size > MAX_IDX_BYTES) throw new IdxError(idxTooLarge(path, 'is'));
  const raw = readFileSync(path);
  if (!isGzip(raw)) {
    if (path.endsWith('.gz')) throw new IdxError(`${path}: named .gz but not gzip-compressed`);
    return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  }
  try {
    const out = gunzipSync(raw, { maxOutputLength: MAX_IDX_BYTES });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new IdxError(idxTooLarge(path, 'decompresses to'));
    throw new IdxError(`${path}: cannot gunzip: ${(e as Error).message}`);
  }
}

/** Loads the train and test sets from a folder holding the four idx files. */
export function loadMnistFolder(dir: string, label = 'MNIST'): TrainTestData {
  const paths = mnistPaths(dir);
  const files = {} as MnistBytes;
  for (const key of Object.keys(paths) as MnistFileKey[]) files[key] = { bytes: readMaybeGzip(paths[key]), name: paths[key] };
  return mnistFromBytes(files, `${label} (${dir})`);
}
