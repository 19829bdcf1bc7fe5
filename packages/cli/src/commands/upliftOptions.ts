/** The `aether uplift` subcommands' flags: parsed strictly, each at most once, and the required ones named when missing. */
import { parseArgs } from 'node:util';
import { MAX_SEED } from '@aether/uplift/upliftModel';
import { UsageError } from '../command.ts';

export type Options = Record<string, string | boolean | undefined>;

export function options(argv: string[], spec: Record<string, 'string' | 'boolean'>): Options {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(spec).map(([name, type]) => [name, { type }])),
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // parseArgs keeps the last of a repeated option: which one was meant is not ours to guess
  const given = (parsed.tokens ?? []).flatMap((token) => (token.kind === 'option' ? [token.name] : []));
  const twice = given.find((name, i) => given.indexOf(name) !== i);
  if (twice !== undefined) throw new UsageError(`--${twice} is given more than once`);
  return parsed.values as Options;
}

export function required(values: Options, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** `--seed` (default 0): the generators take 32 bits, so a larger seed would give the result of another seed. */
export function seedOption(values: Options): number {
  const text = (values.seed ?? '0') as string;
  const seed = Number(text);
  if (!/^\d+$/.test(text) || seed > MAX_SEED) throw new UsageError(`--seed must be a whole number from 0 to ${MAX_SEED}, got "${text}"`);
  return seed;
}
