/**
 * Data sets for training the two-layer net: MNIST-format idx files (assembled from bytes) and a
 * built-in synthetic spiral. Pure: reading files and gunzipping happen elsewhere (src/node/mnistFolder.ts
 * for the CLI, src/host/train/mnistFiles.ts and the worker for the editor).
 */
import { IdxError, parseIdx } from './idx';
import { createRng, type Rng } from '../random';

/**
 * `count` samples of `features` values each. The values stay in their compact source form
 * (bytes for MNIST: 60,000 × 784 float64 would be 376 MB) and are scaled when a batch is copied
 * out, so `x[i] / divisor` is the value the net sees (pixels / 255 ∈ [0, 1], the book's normalize=True).
 */
export interface Dataset {
  count: number;
  features: number;
  classes: number;
  x: Uint8Array | Float64Array;
  divisor: number;
  /** Class index per sample (the book's one-hot label t has a 1 at this index). */
  labels: Uint8Array;
}

export interface TrainTestData {
  /** Where the data comes from, for messages: "Fashion-MNIST (/usr/share/…)", "spiral". */
  name: string;
  train: Dataset;
  test: Dataset;
}

/** Copies samples `indices` (scaled) into `out` as a batch of rows. */
export function fillBatch(d: Dataset, indices: ArrayLike<number>, out: Float64Array): void {
  const f = d.features;
  const s = d.divisor;
  for (let r = 0; r < indices.length; r++) {
    const src = indices[r] * f;
    const dst = r * f;
    for (let j = 0; j < f; j++) out[dst + j] = d.x[src + j] / s;
  }
}

/** Copies the consecutive samples [start, start + n) (scaled) into `out`. */
export function fillRange(d: Dataset, start: number, n: number, out: Float64Array): void {
  const f = d.features;
  const s = d.divisor;
  const base = start * f;
  for (let k = 0; k < n * f; k++) out[k] = d.x[base + k] / s;
}

/** The four files of the MNIST format, by their canonical names (without .gz). */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;
export type MnistFileKey = keyof typeof MNIST_FILES;

/** Every name `findMnistFiles` may ask about: each file's plain name and its .gz one. */
export const MNIST_FILE_NAMES: readonly string[] = Object.values(MNIST_FILES).flatMap((base) => [base, `${base}.gz`]);

/**
 * The one search for the four files in a folder, for the CLI (node:fs) and the extension
 * (vscode.workspace.fs): for each, the plain name, else the .gz one. `isFile` says whether the
 * folder holds a file of that name; `folder` names the folder in the error for a missing file.
 * Returns the chosen names (not paths).
 */
export function findMnistFiles(isFile: (name: string) => boolean, folder: string): Record<MnistFileKey, string> {
  const out = {} as Record<MnistFileKey, string>;
  for (const key of Object.keys(MNIST_FILES) as MnistFileKey[]) {
    const base = MNIST_FILES[key];
    const gz = `${base}.gz`;
    if (isFile(base)) out[key] = base;
    else if (isFile(gz)) out[key] = gz;
    else throw new IdxError(`missing file ${base} (or ${base}.gz) in ${folder}`);
  }
  return out;
}

/** The (already gunzipped) bytes of the four files; names label error messages. */
export type MnistBytes = Record<MnistFileKey, { bytes: Uint8Array; name: string }>;

/** Builds the train and test sets from the four idx files, checking that they fit together. */
export function mnistFromBytes(files: MnistBytes, name: string): TrainTestData {
  const train = imagesWithLabels(files.trainImages, files.trainLabels);
  const test = imagesWithLabels(files.testImages, files.testLabels);
  if (train.features !== test.features) {
    throw new IdxError(
      `${files.testImages.name}: images have ${test.features} pixels but ${files.trainImages.name} has ${train.features}`,
    );
  }
  const classes = Math.max(maxLabel(train.labels), maxLabel(test.labels)) + 1;
  train.classes = classes;
  test.classes = classes;
  return { name, train, test };
}

function imagesWithLabels(images: { bytes: Uint8Array; name: string }, labels: { bytes: Uint8Array; name: string }): Dataset {
  const img = parseIdx(images.bytes, 3, images.name);
  const lab = parseIdx(labels.bytes, 1, labels.name);
  const [count, rows, cols] = img.dims;
  if (lab.dims[0] !== count) {
    throw new IdxError(`${labels.name} has ${lab.dims[0]} labels but ${images.name} has ${count} images: counts disagree`);
  }
  if (count === 0) throw new IdxError(`${images.name}: no images`);
  if (rows * cols === 0) throw new IdxError(`${images.name}: images of size ${rows} × ${cols}`);
  return { count, features: rows * cols, classes: 0, x: img.data, divisor: 255, labels: lab.data };
}

function maxLabel(labels: Uint8Array): number {
  let m = 0;
  for (const l of labels) if (l > m) m = l;
  return m;
}

export interface SpiralOptions {
  /** Samples per class in the training set (the test set has half as many). Default 1000. */
  perClass?: number;
  classes?: number;
  seed?: number;
}

/**
 * The classic spiral data set (as in CS231n): `classes` interleaved arms in the plane, which no
 * linear classifier separates but a two-layer ReLU net does. Seeded: same seed ⇒ same points.
 * Coordinates are scaled so the 0.01·randn weights of the book's init still learn in a few
 * thousand iterations at learning rate 0.1.
 */
export function spiralData(options: SpiralOptions = {}): TrainTestData {
  const perClass = options.perClass ?? 1000;
  const classes = options.classes ?? 3;
  const rng = createRng(options.seed ?? 0, 'training');
  const train = spiralSet(perClass, classes, rng);
  const test = spiralSet(Math.max(1, Math.floor(perClass / 2)), classes, rng);
  return { name: 'spiral', train, test };
}

const SPIRAL_SCALE = 4;

function spiralSet(perClass: number, classes: number, rng: Rng): Dataset {
  const count = perClass * classes;
  const x = new Float64Array(count * 2);
  const labels = new Uint8Array(count);
  // Interleave the classes so that consecutive rows are not all of one class.
  for (let i = 0; i < perClass; i++) {
    for (let c = 0; c < classes; c++) {
      const k = i * classes + c;
      const r = perClass === 1 ? 1 : i / (perClass - 1);
      const t = (c * 4 + 4 * r) + rng.randn() * 0.2;
      x[2 * k] = SPIRAL_SCALE * r * Math.sin(t);
      x[2 * k + 1] = SPIRAL_SCALE * r * Math.cos(t);
      labels[k] = c;
    }
  }
  return { count, features: 2, classes, x, divisor: 1, labels };
}
