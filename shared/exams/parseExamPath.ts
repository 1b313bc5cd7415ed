import type { Eye } from './ExamResult.js';

/** Where a photograph sits in the exam path convention. */
export interface ExamPath {
  readonly site: string;
  /** The patient folder as written (a pseudonym chosen by the sender; outputs keep only its salted hash). */
  readonly patientFolder: string;
  readonly eye: Eye;
}

/**
 * Reads the blob/folder path convention `<site>/<patient>/<left|right>/<file>` (POSIX separators, relative to the
 * root; the eye folder is case-insensitive, `OD`/`OS` are accepted too). Any other shape gives `null`.
 */
export function parseExamPath(relativePath: string): ExamPath | null {
  const parts = relativePath.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length !== 4) return null;
  const [site, patientFolder, eyeFolder] = parts as [string, string, string, string];
  const e = eyeFolder.toLowerCase();
  const eye: Eye | null = e === 'left' || e === 'os' ? 'left' : e === 'right' || e === 'od' ? 'right' : null;
  return eye && !parts.includes('..') ? { site, patientFolder, eye } : null;
}
