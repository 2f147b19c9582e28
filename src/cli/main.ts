/**
 * The command line: `backprop run|steps|gradcheck FILE [--json] [--expand]`.
 *
 * Exit code 0 on success, 1 on any error. On error nothing goes to stdout and the first line of
 * stderr is `FILE:LINE:COLUMN: error: MESSAGE` (FILE exactly as given), or one clear line for bad
 * arguments or an unreadable file. Never a stack trace.
 */
import { version } from '../../package.json';
import { gradcheckCommand, runCommand, stepsCommand, type CommandOptions } from './commands';
import { CliError, type CliIo } from './io';
import { loadProgram } from './source';
import { trainCommand } from './train';
import { traceCommand } from './trace';

export const USAGE = `backprop ${version} — step through backpropagation (Deep Learning from Scratch, chapter 5)

Usage:
  backprop run FILE [--json] [--expand] [--save-grads DIR]
                                               every named value and its gradient of the output
  backprop steps FILE [--json] [--expand]      the step trace: forward one node at a time, then backward
  backprop gradcheck FILE [--json] [--expand]  numerical gradient vs backprop for every leaf
  backprop train [--data DIR|spiral] [--iters N] [--json]   train the two-layer net (see backprop train --help)
  backprop trace SCRIPT.py [--json] [--python PATH] [--time-limit SECONDS]
                                               run your Python (book-style layers or micrograd) under the
                                               tracer: the graph it ran, its numbers, and every node checked
  backprop --help | --version

Options:
  --json     print exactly one JSON object on stdout
  --expand   expand composite layers (sigmoid, affine) into primitive nodes
  --save-grads DIR   (run) also write each named value's gradient as DIR/NAME.npy (float64),
             for np.load; a reassigned name's earlier versions are NAME@1.npy, NAME@2.npy, …

FILE may load numpy arrays: x = load("x.npy"), W1 = load("weights.npz", "W1"), paths relative to FILE.
In --json, a reassigned name (x = x * 2) keys its last version as "x", earlier ones as "x@1", "x@2", ….

Exit code 0 on success, 1 on any error; errors are printed as FILE:LINE:COLUMN: error: MESSAGE.
`;

/** Flags each subcommand accepts. */
const FLAGS: ReadonlyMap<string, readonly string[]> = new Map([
  ['run', ['--json', '--expand', '--save-grads']],
  ['steps', ['--json', '--expand']],
  ['gradcheck', ['--json', '--expand']],
]);

/** Flags followed by a value. */
const VALUE_FLAGS: ReadonlySet<string> = new Set(['--save-grads']);

interface ParsedArgs {
  file: string;
  flags: Set<string>;
  values: Map<string, string>;
}

function usageError(message: string): CliError {
  return new CliError([`backprop: error: ${message} (see backprop --help)`]);
}

/** A FILE and flags; `--` ends the flags, so a file may start with '-'. */
function parseArgs(command: string, args: readonly string[]): ParsedArgs {
  const allowed = FLAGS.get(command) ?? [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positionals: string[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!onlyPositionals && a === '--') onlyPositionals = true;
    else if (!onlyPositionals && a.startsWith('-') && a !== '-') {
      if (!allowed.includes(a)) throw usageError(`unknown option '${a}' for '${command}'; it accepts ${allowed.join(', ')}`);
      flags.add(a);
      if (VALUE_FLAGS.has(a)) {
        const v = args[i + 1];
        if (v === undefined || v === '') throw usageError(`'${a}' needs a folder, e.g. ${a} grads`);
        values.set(a, v);
        i++;
      }
    } else positionals.push(a);
  }
  if (positionals.length === 0) throw usageError(`'${command}' needs a FILE, e.g. backprop ${command} examples/buy-apple.backprop`);
  if (positionals.length > 1) throw usageError(`'${command}' takes one FILE, but got ${positionals.length}: ${positionals.join(' ')}`);
  return { file: positionals[0], flags, values };
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case undefined:
        throw usageError('missing command: run, steps, gradcheck, train or trace');
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE);
        return 0;
      case '--version':
      case '-V':
      case '-v':
        io.stdout(`${version}\n`);
        return 0;
      case 'run':
      case 'steps':
      case 'gradcheck': {
        if (rest.includes('--help') || rest.includes('-h')) {
          io.stdout(USAGE);
          return 0;
        }
        const { file, flags, values } = parseArgs(command, rest);
        const options: CommandOptions = { json: flags.has('--json') };
        const saveGrads = values.get('--save-grads');
        if (saveGrads !== undefined) options.saveGrads = saveGrads;
        const program = loadProgram(io, file, flags.has('--expand'));
        if (command === 'run') runCommand(io, program, options);
        else if (command === 'steps') stepsCommand(io, program, options);
        else gradcheckCommand(io, program, options);
        return 0;
      }
      case 'train':
        await trainCommand(rest, io);
        return 0;
      case 'trace':
        if (rest.includes('--help') || rest.includes('-h')) {
          io.stdout(USAGE);
          return 0;
        }
        await traceCommand(io, rest);
        return 0;
      default:
        throw usageError(`unknown command '${command}'; the commands are run, steps, gradcheck, train and trace`);
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`${e.lines.join('\n')}\n`);
    } else {
      const message = e instanceof Error ? e.message : String(e);
      io.stderr(`backprop: error: internal error: ${message}\n`);
    }
    return 1;
  }
}
