import { createHash } from 'node:crypto';

/**
 * A short, stable, non-reversible stand-in for an identifier (blob name, path, patient file name) in logs and in
 * control blob names: the first 16 hex characters of its SHA-256. Logs must never carry the identifier itself.
 */
export function hashIdentifier(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16);
}
