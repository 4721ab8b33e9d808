// A claim file (claim.json beside an example's configs): one statement about recurrent networks, the experiments that
// test it and the checks their measurements must pass. Validated like a config, every problem at file:line:column.
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigSource, nodeValue } from '../config/load';
import { anyJson, arr, nullable, num, obj, oneOf, record, str, validate, type Infer, type Issue } from '../config/dsl';
import { diagnosticAt, fileDiagnostic, InputError, type Diagnostic } from '../diagnostics';
import { MEASURE_NAMES } from './measures';

/** The file name that makes an example folder a claim. */
export const CLAIM_FILE = 'claim.json';

const runFilter = record(anyJson({ description: 'A swept value.' }), {
  description: 'Sweep values that pick runs, by dotted config path, e.g. {"model.cell": "rnn"} ({}: every run). Several runs (seeds): their median.',
  default: {},
});

const check = obj({
  label: str({ description: 'What the check shows, in words (the table prints it; empty: the measure\'s name).', default: '' }),
  measure: oneOf(MEASURE_NAMES, { description: 'What to measure of each run (src/runner/claims/measures.ts).' }),
  metric: str({ description: 'For "metric": the evaluation metric (accuracy, perplexity, ...).', default: '' }),
  level: num({ description: 'For "stepsTo": the fraction of the baseline loss to reach.', default: 0.1, exclusiveMin: 0 }),
  experiment: str({ description: 'The config file the runs come from (default: the first of "experiments").', default: '' }),
  of: runFilter,
  vs: nullable(runFilter, { description: 'Runs to compare with: the outcome is of ÷ vs ("ratio") or of − vs ("difference"); null: of alone.', default: null }),
  compare: oneOf(['ratio', 'difference'], { description: 'How "of" is compared with "vs".', default: 'ratio' }),
  below: nullable(num({ description: 'Upper bound.' }), { description: 'The claim needs the outcome below this (null: no upper bound).', default: null }),
  above: nullable(num({ description: 'Lower bound.' }), { description: 'The claim needs the outcome above this (null: no lower bound).', default: null }),
}, { description: 'One measured outcome and its threshold; without "below" and "above" it is only reported.' });

const claimSchema = obj({
  claim: str({ description: 'The statement, as the experiments test it.', minLength: 1 }),
  view: str({ description: 'The dashboard view that shows the effect.', default: '' }),
  experiments: arr(str({ description: 'A *.seqlab.json beside this file.', minLength: 1 }), { description: 'The experiments to run, in order.', minItems: 1 }),
  quick: record(anyJson({ description: 'A value for that field.' }), {
    description: 'Config overrides (dotted path → value) for the shortened version that `seqlab claims --quick` and the tests run.',
    default: {},
  }),
  checks: arr(check, { description: 'What must hold.', minItems: 1 }),
}, { description: 'A claim and the experiments that test it.' });

export type ClaimSpec = Infer<typeof claimSchema>;
export type Check = ClaimSpec['checks'][number];

/** A validated claim file: its content, where it is, and its parsed source for ranged errors later. */
export interface Claim {
  /** The example folder's name. */
  name: string;
  file: string;
  dir: string;
  spec: ClaimSpec;
  source: ConfigSource;
  /** Absolute paths of spec.experiments. */
  configs: string[];
}

/** Reads and validates a claim file; throws InputError listing every problem. */
export function readClaim(file: string): Claim {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError([fileDiagnostic(file, 'claim file not found or unreadable')]);
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const source = new ConfigSource(file, text, tree, tree ? nodeValue(tree) : undefined);
  const diags: Diagnostic[] = errors.map((e) => diagnosticAt(file, source.map, e.offset, e.length, '', `JSON syntax error: ${printParseErrorCode(e.error)}`));
  if (diags.length || source.raw === undefined) throw new InputError(diags.length ? diags : [fileDiagnostic(file, 'the file is empty; expected a JSON object')]);
  const issues: Issue[] = [];
  const spec = validate(claimSchema, source.raw, [], issues) as ClaimSpec;
  diags.push(...issues.map((i) => source.at(i.path, i.message, { atKey: i.atKey, severity: i.severity })));
  if (!diags.length) diags.push(...semanticProblems(spec, source));
  if (diags.some((d) => d.severity === 'error')) throw new InputError(diags);
  const dir = dirname(file);
  return { name: dir.split(/[\\/]/).pop()!, file, dir, spec, source, configs: spec.experiments.map((e) => resolve(dir, e)) };
}

function semanticProblems(spec: ClaimSpec, source: ConfigSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const dir = dirname(source.file);
  spec.experiments.forEach((e, i) => {
    if (!existsSync(resolve(dir, e))) out.push(source.at(['experiments', i], `${e} does not exist beside ${CLAIM_FILE}`));
  });
  spec.checks.forEach((c, i) => {
    if (c.experiment && !spec.experiments.includes(c.experiment)) {
      out.push(source.at(['checks', i, 'experiment'], `"${c.experiment}" is not one of "experiments" (${spec.experiments.join(', ')})`));
    }
    if (c.measure === 'metric' && !c.metric) out.push(source.at(['checks', i], 'the measure "metric" needs "metric": the name of an evaluation metric'));
  });
  return out;
}
