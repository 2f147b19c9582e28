/**
 * The CLI's argument schemas (src/cli/args.ts) through node:util's strict parseArgs: what each
 * command accepts, and the one `backprop: error:` line for everything else.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_ARGS, parseCommandArgs, type CommandSchema } from '../../../src/cli/args';
import { CliError } from '../../../src/cli/io';

/** The error line a parse gives (fails the test when it parses). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CliError, `expected a CliError, got ${String(e)}`);
    assert.equal(e.lines.length, 1);
    return e.lines[0];
  }
  assert.fail('expected an error');
}

/** A parse as plain objects (parseArgs gives the values a null prototype: no inherited names). */
function parsed(schema: CommandSchema, args: string[]): { values: Record<string, unknown>; file: string } | 'help' {
  const r = parseCommandArgs(schema, args);
  if (r === 'help') return r;
  assert.equal(Object.getPrototypeOf(r.values), null);
  return { values: { ...r.values }, file: r.file };
}

describe('cli arguments: one schema per command, parsed strictly', () => {
  it('run: flags, the --save-grads value (also as --save-grads=DIR), and the FILE', () => {
    assert.deepEqual(parsed(COMMAND_ARGS.run, ['p.backprop', '--json', '--save-grads', 'g']), { values: { json: true, 'save-grads': 'g' }, file: 'p.backprop' });
    assert.deepEqual(parsed(COMMAND_ARGS.run, ['--expand', '--save-grads=out/g', 'p.backprop']), { values: { expand: true, 'save-grads': 'out/g' }, file: 'p.backprop' });
  });

  it('-- ends the options: a FILE may start with a dash; a lone - is a FILE', () => {
    assert.deepEqual(parsed(COMMAND_ARGS.steps, ['--json', '--', '-odd.backprop']), { values: { json: true }, file: '-odd.backprop' });
    assert.deepEqual(parsed(COMMAND_ARGS.gradcheck, ['-']), { values: {}, file: '-' });
  });

  it('--help or -h asks for the usage, whatever else is given (but not after --)', () => {
    for (const schema of Object.values(COMMAND_ARGS) as CommandSchema[]) {
      assert.equal(parseCommandArgs(schema, ['--help']), 'help', schema.command);
      assert.equal(parseCommandArgs(schema, ['--bogus', '-h']), 'help', schema.command);
    }
    assert.deepEqual(parsed(COMMAND_ARGS.run, ['--', '--help']), { values: {}, file: '--help' });
  });

  it('an option another command takes is unknown here', () => {
    assert.equal(
      errorOf(() => parseCommandArgs(COMMAND_ARGS.steps, ['p.backprop', '--save-grads', 'g'])),
      "backprop: error: unknown option '--save-grads' for 'steps'; it accepts --json, --expand (see backprop --help)",
    );
    assert.equal(
      errorOf(() => parseCommandArgs(COMMAND_ARGS.trace, ['s.py', '--expand'])),
      "backprop: error: unknown option '--expand' for 'trace'; it accepts --json, --python PATH, --time-limit SECONDS (see backprop --help)",
    );
    assert.equal(errorOf(() => parseCommandArgs(COMMAND_ARGS.train, ['--expand'])), "backprop: error: unknown option '--expand' for 'train' (see backprop train --help)");
  });

  it('short options are unknown one by one; inherited property names are unknown too', () => {
    assert.match(errorOf(() => parseCommandArgs(COMMAND_ARGS.run, ['-jx', 'p.backprop'])), /^backprop: error: unknown option '-j' for 'run'/);
    for (const bad of ['--constructor', '--toString', '--__proto__', '--hasOwnProperty']) {
      assert.match(errorOf(() => parseCommandArgs(COMMAND_ARGS.run, ['p.backprop', bad])), new RegExp(`^backprop: error: unknown option '${bad}' for 'run'`));
    }
  });

  it('a value option without its value, with an empty one, or followed by another option', () => {
    assert.equal(errorOf(() => parseCommandArgs(COMMAND_ARGS.run, ['p.backprop', '--save-grads'])), "backprop: error: '--save-grads' needs a folder, e.g. --save-grads grads (see backprop --help)");
    assert.equal(errorOf(() => parseCommandArgs(COMMAND_ARGS.run, ['p.backprop', '--save-grads='])), "backprop: error: '--save-grads' needs a folder, e.g. --save-grads grads (see backprop --help)");
    assert.equal(errorOf(() => parseCommandArgs(COMMAND_ARGS.trace, ['s.py', '--python', ''])), 'backprop: error: --python needs a value (see backprop --help)');
    assert.equal(errorOf(() => parseCommandArgs(COMMAND_ARGS.train, ['--iters', '--json'])), "backprop: error: --iters needs a value; a value starting with '-' is written --iters=--json");
  });

  it("a value starting with '-' goes after '='", () => {
    assert.equal(errorOf(() => parseCommandArgs(COMMAND_ARGS.train, ['--seed', '-1'])), "backprop: error: --seed needs a value; a value starting with '-' is written --seed=-1");
    assert.deepEqual(parsed(COMMAND_ARGS.train, ['--seed=-1']), { values: { seed: '-1' }, file: '' });
  });

  it('a flag takes no value', () => {
    assert.equal(errorOf(() => parseCommandArgs(COMMAND_ARGS.run, ['p.backprop', '--json=yes'])), "backprop: error: --json takes no value, got 'yes' (see backprop --help)");
  });

  it('FILE counts: none, one, more', () => {
    assert.equal(errorOf(() => parseCommandArgs(COMMAND_ARGS.steps, ['--json'])), "backprop: error: 'steps' needs a FILE, e.g. backprop steps examples/buy-apple.backprop (see backprop --help)");
    assert.equal(errorOf(() => parseCommandArgs(COMMAND_ARGS.run, ['a', 'b', 'c'])), "backprop: error: 'run' takes one FILE, but got 3: a b c (see backprop --help)");
    assert.match(errorOf(() => parseCommandArgs(COMMAND_ARGS.trace, [])), /^backprop: error: 'trace' takes one Python script/);
    assert.match(errorOf(() => parseCommandArgs(COMMAND_ARGS.trace, ['a.py', 'b.py'])), /^backprop: error: 'trace' takes one Python script/);
  });

  it('train takes no FILE: a word where an option goes is an unknown option', () => {
    assert.equal(errorOf(() => parseCommandArgs(COMMAND_ARGS.train, ['spiral'])), "backprop: error: unknown option 'spiral' for 'train' (see backprop train --help)");
  });
});
