// The command line's grammar: each command's option table, and argv parsed against it by node:util's parseArgs
// (so "--prime=a=b" keeps "a=b"). Messages name the option: the CLI prints them and exits with code 2.
import { parseArgs } from 'node:util';
import { HELP } from './help';

export class UsageError extends Error {}

type OptionTable = Record<string, { type: 'string' | 'boolean'; short?: string }>;

const VALUE = { type: 'string' } as const;
const FLAG = { type: 'boolean' } as const;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** Each command's options besides --help/-h. A flag given reads as the value "true". */
const COMMAND_OPTIONS = {
  run: { out: VALUE, init: VALUE, resume: VALUE, backend: VALUE, threads: VALUE, workspace: VALUE, 'allow-changed-data': FLAG },
  validate: { workspace: VALUE },
  runs: {},
  report: { out: VALUE },
  sample: { temperature: VALUE, length: VALUE, prime: VALUE, seed: VALUE, checkpoint: VALUE, workspace: VALUE },
  predict: { checkpoint: VALUE, workspace: VALUE, beam: VALUE, probs: FLAG },
  evaluate: { checkpoint: VALUE, workspace: VALUE },
  claims: { out: VALUE, quick: FLAG },
  export: { out: VALUE, format: VALUE, init: VALUE, workspace: VALUE },
  backends: { threads: VALUE },
} satisfies Record<string, OptionTable>;

/** What may come before a command, or alone. */
const GLOBAL_OPTIONS = { ...HELP_OPTION, version: { type: 'boolean' } } satisfies OptionTable;

export type Command = keyof typeof COMMAND_OPTIONS;

export type CommandLine =
  | { command: null; help: boolean; version: boolean }
  | { command: Command; help: boolean; positional: string[]; options: Partial<Record<string, string>> };

/** A command's arguments: its positional arguments and option values (the last one given wins; a flag is "true"). */
export type CommandArgs = Extract<CommandLine, { command: Command }>;

const isCommand = (word: string): word is Command => Object.hasOwn(COMMAND_OPTIONS, word);

/**
 * The command (the first argument that is not an option) and its arguments; without one, the global options.
 * "help" alone asks for the overview. Throws UsageError for an unknown command or option, or a missing value.
 */
export function parseCommandLine(argv: string[]): CommandLine {
  const at = tokenize(argv, GLOBAL_OPTIONS).find((t) => t.kind === 'positional')?.index;
  if (at === undefined) {
    const global = readOptions(argv, GLOBAL_OPTIONS);
    return { command: null, help: global.flags.has('help'), version: global.flags.has('version') };
  }
  const word = argv[at];
  if (word === 'help') return { command: null, help: true, version: false };
  if (!isCommand(word)) throw new UsageError(`unknown command "${word}"\n\n${HELP.main}`);
  const parsed = readOptions(argv.filter((_, i) => i !== at), { ...COMMAND_OPTIONS[word], ...HELP_OPTION });
  const flags = [...parsed.flags].filter((f) => f !== 'help').map((f) => [f, 'true']);
  return { command: word, help: parsed.flags.has('help'), positional: parsed.positional, options: { ...parsed.values, ...Object.fromEntries(flags) } };
}

function tokenize(args: string[], options: OptionTable) {
  return parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true }).tokens;
}

function readOptions(args: string[], options: OptionTable): { positional: string[]; values: Record<string, string>; flags: Set<string> } {
  const out = { positional: [] as string[], values: {} as Record<string, string>, flags: new Set<string>() };
  for (const t of tokenize(args, options)) {
    if (t.kind === 'positional') out.positional.push(t.value);
    if (t.kind !== 'option') continue;
    const type = Object.hasOwn(options, t.name) ? options[t.name].type : null;
    if (type === null) throw new UsageError(`unknown option ${t.rawName}`);
    if (type === 'boolean' && t.value !== undefined) throw new UsageError(`option ${t.rawName} takes no value`);
    if (type === 'boolean') out.flags.add(t.name);
    else if (t.value === undefined) throw new UsageError(`option ${t.rawName} needs a value`);
    else out.values[t.name] = t.value;
  }
  return out;
}

/** --threads: the most threads for the wasm backend's products, 0 (the default) for every core up to the cap. */
export function threadsOption(args: CommandArgs): number {
  const v = args.options.threads;
  if (v === undefined) return 0;
  if (!/^\d+$/.test(v)) throw new UsageError(`--threads must be a whole number ≥ 0 (0: every core), got "${v}"`);
  return Number(v);
}
