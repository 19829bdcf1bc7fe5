/** `aether interpret "<text>"`: one objective through the rule-based interpreter, printed for people or as JSON. */
import { parseArgs } from 'node:util';
import { describeObjective } from '@aether/interpreter/describeObjective';
import { interpretWithRules } from '@aether/interpreter/ruleBasedInterpreter';
import { type Command, UsageError } from '../command.ts';

const USAGE = `Usage: aether interpret "<objective>" [--as-of YYYY-MM-DD] [--json]

Interprets a marketer's objective with the rule-based interpreter (offline, deterministic) and prints the campaign
objective (COO): a summary by default, the COO as JSON with --json. Relative dates ("this quarter") resolve against
--as-of (default: today, UTC). A text that cannot become an objective exits 1 with the reasons.`;

export async function runInterpret(argv: string[], today: () => Date = () => new Date()): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = parsed.positionals.join(' ').trim();
  if (text === '') throw new UsageError('missing the objective text');
  const asOf = parsed.values['as-of'] ?? today().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new UsageError(`--as-of must be a date YYYY-MM-DD, got "${asOf}"`);
  const result = interpretWithRules(text, { asOf });
  if (parsed.values.json) {
    console.log(JSON.stringify(result.ok ? result.interpretation : { rejected: true, reasons: result.reasons }, null, 2));
    return result.ok ? 0 : 1;
  }
  if (!result.ok) {
    console.error(`The objective cannot be interpreted:\n${result.reasons.map((reason) => `  - ${reason}`).join('\n')}`);
    return 1;
  }
  console.log(describeObjective(result.interpretation));
  return 0;
}

const OPTIONS = {
  'as-of': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export const interpretCommand: Command = {
  name: 'interpret',
  summary: "turn a marketer's objective into a campaign objective (COO)",
  usage: USAGE,
  run: (argv) => runInterpret(argv),
};
