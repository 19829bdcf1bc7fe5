#!/usr/bin/env node
/** The `aether` command. Each subcommand lives in `commands/` and is listed here once. */
import { type Command, UsageError } from './command.ts';
import { dataCommand } from './commands/data.ts';
import { interpretCommand } from './commands/interpret.ts';
import { startCommand } from './commands/start.ts';
import { upliftCommand } from './commands/uplift.ts';

const COMMANDS: Command[] = [startCommand, dataCommand, upliftCommand, interpretCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length), 4);
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'Usage: aether <command> [options]',
    '',
    "AetherSegment: a marketer's objective becomes a causal, ready-to-activate audience.",
    '',
    'Commands:',
    ...(lines.length ? lines : ['  (none yet)']),
    '',
    "Run `aether <command> --help` for a command's options.",
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`aether: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`aether ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    console.error(`aether ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
