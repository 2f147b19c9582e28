import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { findMnistFiles, MNIST_FILE_NAMES } from '../../../../src/engine/train/dataset';
import { IdxError, parseIdx } from '../../../../src/engine/train/idx';
import { loadMnistFolder } from '../../../../src/node/mnistFolder';

/** An idx file of unsigned bytes: magic 00 00 08 rank, big-endian sizes, then the values. */
function idx(dims: number[], values: number[] | Uint8Array, rank = dims.length): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = rank;
  const view = new DataView(header.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + values.length);
  out.set(header);
  out.set(values, header.length);
  return out;
}

/** Four consistent tiny files: 3 train and 2 test images of 2×2 pixels. */
function tinyFiles(): Record<string, Uint8Array> {
  return {
    'train-images-idx3-ubyte': idx([3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8]),
    'train-labels-idx1-ubyte': idx([3], [0, 1, 2]),
    't10k-images-idx3-ubyte': idx([2, 2, 2], [255, 255, 0, 0, 9, 9, 9, 9]),
    't10k-labels-idx1-ubyte': idx([2], [2, 0]),
  };
}

function withFolder(files: Record<string, Uint8Array>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'idx-test-'));
  try {
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function throwsIdx(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof IdxError, `expected IdxError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('tiny consistent files load, pixels scaled to [0, 1], labels as class indices', () => {
  withFolder(tinyFiles(), (dir) => {
    const d = loadMnistFolder(dir);
    assert.equal(d.train.count, 3);
    assert.equal(d.test.count, 2);
    assert.equal(d.train.features, 4);
    assert.equal(d.train.classes, 3);
    assert.deepEqual([...d.train.labels], [0, 1, 2]);
    assert.equal(d.train.x[1] / d.train.divisor, 1);
    assert.equal(d.train.x[2] / d.train.divisor, 0.2);
    assert.equal(d.test.x[0] / d.test.divisor, 1);
  });
});

test('gzip-compressed files (.gz) load the same as plain ones', () => {
  const gz: Record<string, Uint8Array> = {};
  for (const [name, bytes] of Object.entries(tinyFiles())) gz[`${name}.gz`] = gzipSync(bytes);
  withFolder(gz, (dir) => {
    const d = loadMnistFolder(dir);
    assert.equal(d.train.count, 3);
    assert.deepEqual([...d.test.labels], [2, 0]);
  });
});

test('a missing file is named, with the folder', () => {
  const files = tinyFiles();
  delete files['t10k-labels-idx1-ubyte'];
  withFolder(files, (dir) => throwsIdx(() => loadMnistFolder(dir), new RegExp(`missing file t10k-labels-idx1-ubyte .*in ${dir}`)));
});

test('a missing folder is reported', () => {
  throwsIdx(() => loadMnistFolder('/nonexistent/mnist-folder'), /data folder not found: \/nonexistent\/mnist-folder/);
});

test('wrong magic number: labels file where images are expected', () => {
  const files = tinyFiles();
  files['train-images-idx3-ubyte'] = idx([3], [0, 1, 2]);
  withFolder(files, (dir) => throwsIdx(() => loadMnistFolder(dir), /train-images-idx3-ubyte: wrong magic number 0x00000801, expected 0x00000803/));
});

test('wrong magic number: not an idx file at all', () => {
  throwsIdx(() => parseIdx(new TextEncoder().encode('hello world'), 1, 'x'), /x: wrong magic number 0x68656c6c, expected 0x00000801/);
});

test('a gzip file without the .gz ending says so', () => {
  throwsIdx(() => parseIdx(gzipSync(idx([1], [0])), 1, 'f'), /wrong magic number .*gzip/);
});

test('a .gz file that is not gzip, and a corrupt gzip, are reported', () => {
  const files: Record<string, Uint8Array> = {};
  for (const [name, bytes] of Object.entries(tinyFiles())) files[`${name}.gz`] = gzipSync(bytes);
  files['train-labels-idx1-ubyte.gz'] = idx([3], [0, 1, 2]);
  withFolder(files, (dir) => throwsIdx(() => loadMnistFolder(dir), /train-labels-idx1-ubyte\.gz: named \.gz but not gzip-compressed/));
  const corrupt = gzipSync(idx([3], [0, 1, 2])).subarray(0, 12);
  files['train-labels-idx1-ubyte.gz'] = corrupt;
  withFolder(files, (dir) => throwsIdx(() => loadMnistFolder(dir), /train-labels-idx1-ubyte\.gz: cannot gunzip/));
});

test('truncated: shorter than the magic number, than the header, than the data', () => {
  throwsIdx(() => parseIdx(new Uint8Array([0, 0]), 3, 'a'), /a: file is 2 bytes long, too short/);
  throwsIdx(() => parseIdx(idx([3, 2, 2], []).subarray(0, 10), 3, 'b'), /b: truncated header: 10 bytes, the header alone needs 16/);
  throwsIdx(() => parseIdx(idx([3, 2, 2], [1, 2, 3]), 3, 'c'), /c: truncated: header says 3 × 2 × 2 = 12 values \(28 bytes with the header\) but the file has 19 bytes/);
});

test('header sizes that disagree with a longer file', () => {
  throwsIdx(() => parseIdx(idx([2], [1, 2, 3]), 1, 'd'), /d: header says 2 = 2 values .* but the file has 11 bytes: sizes disagree/);
});

test('image and label counts that disagree', () => {
  const files = tinyFiles();
  files['train-labels-idx1-ubyte'] = idx([2], [0, 1]);
  withFolder(files, (dir) => throwsIdx(() => loadMnistFolder(dir), /train-labels-idx1-ubyte has 2 labels but .*train-images-idx3-ubyte has 3 images: counts disagree/));
});

test('train and test images of different sizes', () => {
  const files = tinyFiles();
  files['t10k-images-idx3-ubyte'] = idx([2, 1, 2], [1, 2, 3, 4]);
  withFolder(files, (dir) => throwsIdx(() => loadMnistFolder(dir), /t10k-images-idx3-ubyte: images have 2 pixels but .* has 4/));
});

test('the one MNIST finder (CLI and extension): the plain name, else the .gz one; a missing file names the folder', () => {
  const names = new Set(['train-images-idx3-ubyte', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte.gz']);
  const asked: string[] = [];
  const isFile = (n: string): boolean => (asked.push(n), names.has(n));
  assert.deepEqual(findMnistFiles(isFile, '/data'), {
    trainImages: 'train-images-idx3-ubyte',
    trainLabels: 'train-labels-idx1-ubyte.gz',
    testImages: 't10k-images-idx3-ubyte',
    testLabels: 't10k-labels-idx1-ubyte.gz',
  });
  // It asks only about the names the extension stats up front.
  assert.ok(asked.every((n) => MNIST_FILE_NAMES.includes(n)), asked.join());
  assert.equal(MNIST_FILE_NAMES.length, 8);
  names.delete('t10k-labels-idx1-ubyte.gz');
  throwsIdx(() => findMnistFiles((n) => names.has(n), 'vscode-vfs://github/x/mnist'), /^missing file t10k-labels-idx1-ubyte \(or t10k-labels-idx1-ubyte\.gz\) in vscode-vfs:\/\/github\/x\/mnist$/);
});
