/**
 * The command line: `backprop run|steps|gradcheck FILE [--json] [--expand]`.
 *
 * Exit code 0 on success, 1 on any error. On error nothing goes to stdout and the first line of
 * stderr is `FILE:LINE:COLUMN: error: MESSAGE` (FILE exactly as given), or one clear line for bad
 * arguments or an unreadable file. Never a stack trace.
 */
import { version } from '../../package.json';
import { COMMAND_ARGS, parseCommandArgs, type ArgValues } from './args';
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

A value may follow its option or be joined to it (--save-grads=DIR); -- ends the options.

Exit code 0 on success, 1 on any error; errors are printed as FILE:LINE:COLUMN: error: MESSAGE.
`;

/** The options of run, steps and gradcheck together (only run takes --save-grads: its schema says so). */
type ProgramOptions = (typeof COMMAND_ARGS)['run']['options'];

function usageError(message: string): CliError {
  return new CliError([`backprop: error: ${message} (see backprop --help)`]);
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
        const parsed = command === 'run' ? parseCommandArgs(COMMAND_ARGS.run, rest) : parseCommandArgs(COMMAND_ARGS[command], rest);
        if (parsed === 'help') {
          io.stdout(USAGE);
          return 0;
        }
        const { file } = parsed;
        const values: ArgValues<ProgramOptions> = parsed.values;
        const options: CommandOptions = { json: values.json === true };
        if (values['save-grads'] !== undefined) options.saveGrads = values['save-grads'];
        const program = loadProgram(io, file, values.expand === true);
        if (command === 'run') runCommand(io, program, options);
        else if (command === 'steps') stepsCommand(io, program, options);
        else gradcheckCommand(io, program, options);
        return 0;
      }
      case 'train':
        await trainCommand(rest, io);
        return 0;
      case 'trace': {
        const parsed = parseCommandArgs(COMMAND_ARGS.trace, rest);
        if (parsed === 'help') {
          io.stdout(USAGE);
          return 0;
        }
        await traceCommand(io, parsed);
        return 0;
      }
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
