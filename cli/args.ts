import { parseArgs, type ParseArgsConfig } from 'node:util';
import { invalidArgument } from '../shared/errors.js';

/** Parses CLI arguments with node:util parseArgs; unknown options become `INVALID_ARGUMENT` errors. */
export function parseCli<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw invalidArgument('command-line arguments', 'known options', error instanceof Error ? error.message : String(error));
  }
}

/** Parses a positive integer option. */
export function intOption(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw invalidArgument(`--${name}`, `an integer >= ${min}`, value);
  return n;
}
