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
