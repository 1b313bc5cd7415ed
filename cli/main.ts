import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDrgradeError } from '../shared/errors.js';

/**
 * `drgrade` command line. Each command lives in `cli/commands/<name>.ts` and exports
 * `run(args: string[]): Promise<number>` (the exit code) and `summary` (one line for the help text).
 * `bench <what>` resolves to `cli/commands/bench-<what>.ts`.
 */
export interface CliCommand {
  readonly summary: string;
  run(args: string[]): Promise<number>;
}

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    printHelp();
    return first === undefined ? 1 : 0;
  }
  let name = first;
  let args = rest;
  if (first === 'bench' && rest[0] !== undefined && !rest[0].startsWith('-')) {
    name = `bench-${rest[0]}`;
    args = rest.slice(1);
  }
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !existsSync(join(commandsDir, `${name}.js`))) {
    process.stderr.write(`drgrade: unknown command '${first}'. Run 'drgrade --help'.\n`);
    return 1;
  }
  const mod = (await import(join(commandsDir, `${name}.js`))) as CliCommand;
  try {
    return await mod.run(args);
  } catch (error) {
    if (isDrgradeError(error)) {
      process.stderr.write(`drgrade ${name}: ${error.code}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`drgrade ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

function printHelp(): void {
  const lines = ['drgrade: diabetic retinopathy grading of fundus photographs (research use only; not for clinical diagnosis)', '', 'Commands:'];
  for (const file of readdirSync(commandsDir).filter((f) => f.endsWith('.js')).sort()) {
    lines.push(`  ${file.slice(0, -3).replace(/^bench-/, 'bench ')}`);
  }
  lines.push('', "Run 'drgrade <command> --help' for a command's options.");
  process.stdout.write(`${lines.join('\n')}\n`);
}
