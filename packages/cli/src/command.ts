/** A CLI command: its name, one-line summary, usage text and runner. Commands print; `main.ts` maps errors to exit codes. */
export type Command = {
  name: string;
  summary: string;
  usage: string;
  run: (argv: string[]) => Promise<number>;
};

/** A usage error: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A command made of subcommands (`aether data generate …`): dispatches on the first argument. */
export function commandGroup(spec: {
  name: string;
  summary: string;
  usage: string;
  subcommands: Record<string, (argv: string[]) => Promise<number>>;
}): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    run: async (argv) => {
      const [name, ...rest] = argv;
      const subcommand = name === undefined ? undefined : spec.subcommands[name];
      if (!subcommand) throw new UsageError(name === undefined ? 'missing subcommand' : `unknown subcommand "${name}"`);
      return subcommand(rest);
    },
  };
}
