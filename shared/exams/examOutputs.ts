import { buildDiagnosticReportBundle } from '../fhir/buildDiagnosticReportBundle.js';
import { buildExamBundle } from '../fhir/buildExamBundle.js';
import { buildExamResult } from './buildExamResult.js';
import type { ExamResult } from './ExamResult.js';
import type { ExamGroup } from './groupExams.js';

/** One file to write, relative to the output root (POSIX separators). */
export interface OutputFile {
  readonly path: string;
  readonly text: string;
}

/**
 * The files of each exam: `<folder>/exam.result.json` and `<folder>/exam.fhir.json`, and each photograph's
 * `<stem>.fhir.json` again with the eye and patient the exam assigned (the same Bundle ids, so rewriting is
 * idempotent). Pure: callers write the files (CLI to disk, Functions to the results container).
 */
export function examOutputs(groups: readonly ExamGroup[]): { files: OutputFile[]; exams: { folder: string; result: ExamResult }[] } {
  const files: OutputFile[] = [];
  const exams: { folder: string; result: ExamResult }[] = [];
  for (const group of groups) {
    const result = buildExamResult(group);
    const prefix = group.folder === '' ? '' : `${group.folder}/`;
    files.push({ path: `${prefix}exam.result.json`, text: `${JSON.stringify(result, null, 2)}\n` });
    files.push({ path: `${prefix}exam.fhir.json`, text: `${JSON.stringify(buildExamBundle(result), null, 2)}\n` });
    for (const p of group.photographs) {
      const bundle = buildDiagnosticReportBundle(p.result, { eye: p.eye, patientIdHash: group.patientIdHash, idSeed: p.stem });
      files.push({ path: `${p.stem}.fhir.json`, text: `${JSON.stringify(bundle, null, 2)}\n` });
    }
    exams.push({ folder: group.folder, result });
  }
  return { files, exams };
}
