import { invalidArgument } from '../errors.js';
import type { Eye } from './ExamResult.js';

/** A sidecar `exam.json`: the photographs of one exam, listed beside them. */
export interface ExamSidecar {
  /** Site (programme) name. @default the first folder of the sidecar's path, else 'local' */
  readonly site: string | null;
  /** The patient's identifier as the sender knows it (hashed with the salt before anything is written). */
  readonly patient: string;
  /** Files relative to the sidecar's folder, each with its eye. */
  readonly photographs: readonly { readonly file: string; readonly eye: Eye }[];
}

/**
 * Parses and checks a sidecar: `{"patient": "...", "site": "...", "photographs": [{"file": "a.jpg", "eye": "left"}]}`.
 * File names must stay inside the sidecar's folder. Invalid content throws `INVALID_ARGUMENT` naming the field.
 */
export function parseExamSidecar(text: string): ExamSidecar {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidArgument('exam.json', 'a JSON object', 'unparseable text');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument('exam.json', 'a JSON object', value);
  const o = value as Record<string, unknown>;
  if (typeof o.patient !== 'string' || o.patient.trim() === '') throw invalidArgument('exam.json patient', 'a non-empty string', typeof o.patient);
  if (o.site !== undefined && typeof o.site !== 'string') throw invalidArgument('exam.json site', 'a string', o.site);
  if (!Array.isArray(o.photographs) || o.photographs.length === 0) throw invalidArgument('exam.json photographs', 'a non-empty array', o.photographs);
  const photographs = o.photographs.map((p: unknown, i): { file: string; eye: Eye } => {
    const entry = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
    const file = entry.file;
    if (typeof file !== 'string' || file === '' || file.startsWith('/') || file.split(/[\\/]/).includes('..')) {
      throw invalidArgument(`exam.json photographs[${i}].file`, 'a relative file name inside the folder', typeof file === 'string' ? '(a path outside the folder)' : file);
    }
    if (entry.eye !== 'left' && entry.eye !== 'right') throw invalidArgument(`exam.json photographs[${i}].eye`, "'left' or 'right'", entry.eye);
    return { file, eye: entry.eye as Eye };
  });
  return { site: typeof o.site === 'string' && o.site !== '' ? o.site : null, patient: o.patient.trim(), photographs };
}
