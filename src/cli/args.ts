/**
 * The command line's arguments: one schema per command (`COMMAND_ARGS`), parsed by node:util's
 * `parseArgs` in strict mode. `--help`/`-h` before `--` asks for the usage; anything else the
 * schema does not know is one `backprop: error:` line (a `CliError`, exit code 1): an unknown
 * option, a value option without its value (a value starting with '-' is written `--opt=-1`), a
 * value given to a flag, or the wrong number of FILEs. `--` ends the options, so a FILE may start
 * with '-'.
 */
import { parseArgs } from 'node:util';
import { CliError } from './io';

interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
}

/** What the user gave for a schema's options: a flag's `true`, a value option's text. */
export type ArgValues<O extends Record<string, OptionSpec>> = { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };

export interface CommandSchema<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  command: string;
  /** The options besides --help/-h, by long name (without the dashes). */
  options: O;
  /** The one positional argument and its errors; none: a word where an option should be is an unknown option. */
  positional?: { missing: string; tooMany: (given: readonly string[]) => string };
  /** The error for an option the schema does not know (as written, e.g. '--bogus' or '-x'). */
  unknownOption: (raw: string) => string;
  /** The error for a value option given without a value (or an empty one). */
  missingValue: (flag: string) => string;
  /** Appended to every error of this command, e.g. ' (see backprop --help)'. */
  seeHelp: string;
}

export interface ParsedCommand<O extends Record<string, OptionSpec>> {
  values: ArgValues<O>;
  /** The positional argument, when the schema has one. */
  file: string;
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const satisfies Record<string, OptionSpec>;

const SEE_HELP = ' (see backprop --help)';

/** The options of a program command (run, steps, gradcheck) and their messages. */
function programCommand<O extends Record<string, OptionSpec>>(command: string, options: O): CommandSchema<O> {
  const accepts = Object.keys(options)
    .map((o) => `--${o}`)
    .join(', ');
  return {
    command,
    options,
    positional: {
      missing: `'${command}' needs a FILE, e.g. backprop ${command} examples/buy-apple.backprop`,
      tooMany: (given) => `'${command}' takes one FILE, but got ${given.length}: ${given.join(' ')}`,
    },
    unknownOption: (raw) => `unknown option '${raw}' for '${command}'; it accepts ${accepts}`,
    missingValue: (flag) => `'${flag}' needs a folder, e.g. ${flag} grads`,
    seeHelp: SEE_HELP,
  };
}

/** Every command's arguments. The usage texts (USAGE in main.ts, TRAIN_USAGE) describe the same. */
export const COMMAND_ARGS = {
  run: programCommand('run', { json: { type: 'boolean' }, expand: { type: 'boolean' }, 'save-grads': { type: 'string' } }),
  steps: programCommand('steps', { json: { type: 'boolean' }, expand: { type: 'boolean' } }),
  gradcheck: programCommand('gradcheck', { json: { type: 'boolean' }, expand: { type: 'boolean' } }),
  trace: {
    command: 'trace',
    options: { json: { type: 'boolean' }, python: { type: 'string' }, 'time-limit': { type: 'string' } },
    positional: {
      missing: `'trace' takes one Python script, e.g. backprop trace examples/python/buy_apple_orange.py`,
      tooMany: () => `'trace' takes one Python script, e.g. backprop trace examples/python/buy_apple_orange.py`,
    },
    unknownOption: (raw) => `unknown option '${raw}' for 'trace'; it accepts --json, --python PATH, --time-limit SECONDS`,
    missingValue: (flag) => `${flag} needs a value`,
    seeHelp: SEE_HELP,
  },
  train: {
    command: 'train',
    options: {
      data: { type: 'string' },
      iters: { type: 'string' },
      seed: { type: 'string' },
      hidden: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      json: { type: 'boolean' },
    },
    unknownOption: (raw) => `unknown option '${raw}' for 'train' (see backprop train --help)`,
    missingValue: (flag) => `${flag} needs a value`,
    seeHelp: '',
  },
} as const satisfies Record<string, CommandSchema>;

/** The arguments of one command by its schema, or 'help' for --help/-h. Throws a `CliError` for anything else. */
export function parseCommandArgs<O extends Record<string, OptionSpec>>(schema: CommandSchema<O>, args: readonly string[]): ParsedCommand<O> | 'help' {
  const options: Record<string, OptionSpec> = { ...schema.options, ...HELP };
  const fail = (message: string): CliError => new CliError([`backprop: error: ${message}${schema.seeHelp}`]);
  // The tokens as written (not strict), to find --help and to say what is wrong when the strict parse refuses.
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return 'help';
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: schema.positional !== undefined });
  } catch (e) {
    throw fail(explain(schema, options, tokens) ?? (e instanceof Error ? e.message : String(e)));
  }
  for (const [name, spec] of Object.entries(schema.options)) {
    if (spec.type === 'string' && parsed.values[name] === '') throw fail(schema.missingValue(`--${name}`));
  }
  let file = '';
  if (schema.positional) {
    if (parsed.positionals.length === 0) throw fail(schema.positional.missing);
    if (parsed.positionals.length > 1) throw fail(schema.positional.tooMany(parsed.positionals));
    file = parsed.positionals[0];
  }
  return { values: parsed.values as ArgValues<O>, file };
}

type Token = ReturnType<typeof parseArgs>['tokens'] extends (infer T)[] | undefined ? T : never;

/** What the strict parse refused, in the schema's words: the first token that is not as the schema says. */
function explain(schema: CommandSchema, options: Record<string, OptionSpec>, tokens: readonly Token[] | undefined): string | undefined {
  for (const t of tokens ?? []) {
    if (t.kind === 'positional' && !schema.positional) return schema.unknownOption(t.value);
    if (t.kind !== 'option') continue;
    const spec = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (!spec) return schema.unknownOption(t.rawName);
    if (spec.type === 'boolean' && t.value !== undefined) return `${t.rawName} takes no value, got '${t.value}'`;
    if (spec.type === 'string' && t.value === undefined) return schema.missingValue(t.rawName);
    if (spec.type === 'string' && !t.inlineValue && t.value?.startsWith('-')) {
      return `${schema.missingValue(t.rawName)}; a value starting with '-' is written ${t.rawName}=${t.value}`;
    }
  }
  return undefined;
}
