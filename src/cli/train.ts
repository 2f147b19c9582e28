/**
 * `backprop train`: trains the book's two-layer net (chapter 5.7) on MNIST-format idx files or on
 * the built-in spiral, printing the accuracies once per epoch like train_neural_net.py, and with
 * `--json` a last line `{"trainAcc": X, "testAcc": Y, "iters": N, "ms": T}`.
 * Errors are thrown as `CliError` (one clear line, exit code 1, no stack trace).
 */
import { loadMnistFolder } from '../node/mnistFolder';
import { spiralData, type TrainTestData } from '../engine/train/dataset';
import { BOOK_DEFAULTS, resolveTrainOptions, train, type TrainOptions } from '../engine/train/trainer';
import { COMMAND_ARGS, parseCommandArgs } from './args';
import { CliError, type CliIo } from './io';

export const TRAIN_USAGE = `Usage: backprop train [--data DIR|spiral] [--iters N] [--seed S] [--hidden H] [--batch B] [--lr L] [--json]

Trains the two-layer net of chapter 5.7 (Affine → ReLU → Affine → Softmax-with-Loss, SGD) and
prints the train and test accuracy once per epoch.

  --data DIR   a folder with the four MNIST idx files (train-images-idx3-ubyte,
               train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
               plain or .gz), e.g. Fashion-MNIST from Debian's dataset-fashion-mnist:
               /usr/share/datasets/fashion-mnist
  --data spiral, or no --data: the built-in synthetic spiral (3 classes, no download)
  --iters N    iterations (default ${BOOK_DEFAULTS.iterations})
  --seed S     seed of the weights and the batches (default ${BOOK_DEFAULTS.seed})
  --hidden H   hidden units (default ${BOOK_DEFAULTS.hidden})
  --batch B    batch size (default ${BOOK_DEFAULTS.batch})
  --lr L       learning rate (default ${BOOK_DEFAULTS.learningRate})
  --json       end with one JSON line {"trainAcc": X, "testAcc": Y, "iters": N, "ms": T}
               (ms: the training loop, accuracy evaluations included)
`;

/** The engine's option set by each --flag (COMMAND_ARGS.train), other than --data and --json. */
const NUMBER_FLAGS = [
  ['iters', 'iterations'],
  ['seed', 'seed'],
  ['hidden', 'hidden'],
  ['batch', 'batch'],
  ['lr', 'learningRate'],
] as const satisfies readonly (readonly [keyof (typeof COMMAND_ARGS)['train']['options'], keyof TrainOptions])[];

interface TrainArgs {
  data: string;
  json: boolean;
  options: Partial<TrainOptions>;
}

function fail(message: string): CliError {
  return new CliError([`backprop: error: ${message}`]);
}

export function parseTrainArgs(args: readonly string[]): TrainArgs | 'help' {
  const parsed = parseCommandArgs(COMMAND_ARGS.train, args);
  if (parsed === 'help') return 'help';
  const { values } = parsed;
  const out: TrainArgs = { data: values.data ?? 'spiral', json: values.json === true, options: {} };
  for (const [flag, key] of NUMBER_FLAGS) {
    const value = values[flag];
    if (value === undefined) continue;
    const n = Number(value);
    if (!Number.isFinite(n) || value.trim() === '') throw fail(`--${flag} needs a number, got '${value}'`);
    out.options[key] = n;
  }
  return out;
}

function loadData(data: string): TrainTestData {
  if (data === 'spiral') return spiralData();
  try {
    return loadMnistFolder(data, /fashion/i.test(data) ? 'Fashion-MNIST' : 'MNIST');
  } catch (e) {
    throw fail(e instanceof Error ? e.message : String(e));
  }
}

export async function trainCommand(args: readonly string[], io: Pick<CliIo, 'stdout'>): Promise<void> {
  const parsed = parseTrainArgs(args);
  if (parsed === 'help') {
    io.stdout(TRAIN_USAGE);
    return;
  }
  let options: TrainOptions;
  try {
    options = resolveTrainOptions(parsed.options);
  } catch (e) {
    throw fail(e instanceof Error ? e.message : String(e));
  }
  const data = loadData(parsed.data);
  io.stdout(`data: ${data.name}: ${data.train.count} training and ${data.test.count} test samples, ${data.train.features} features, ${data.train.classes} classes\n`);
  io.stdout(`net: ${data.train.features}-${options.hidden}-${data.train.classes}, batch ${options.batch}, learning rate ${options.learningRate}, ${options.iterations} iterations, seed ${options.seed}\n`);
  let result: Awaited<ReturnType<typeof train>>;
  try {
    result = await train(data, options, {
      onEpoch: (e) => io.stdout(`epoch ${e.epoch} (iteration ${e.iteration}): train acc ${e.trainAcc.toFixed(4)}, test acc ${e.testAcc.toFixed(4)}\n`),
    });
  } catch (e) {
    // A non-finite loss (names the iteration) or a net too large for memory: one clear line.
    throw fail(e instanceof Error ? e.message : String(e));
  }
  const last = result.epochs[result.epochs.length - 1];
  if (!last || last.iteration !== result.iterations) {
    io.stdout(`after ${result.iterations} iterations: train acc ${result.trainAcc.toFixed(4)}, test acc ${result.testAcc.toFixed(4)}\n`);
  }
  io.stdout(`${(result.ms / 1000).toFixed(1)} s (${result.backend} kernels)\n`);
  if (parsed.json) {
    io.stdout(`${JSON.stringify({ trainAcc: result.trainAcc, testAcc: result.testAcc, iters: result.iterations, ms: Math.round(result.ms) })}\n`);
  }
}
