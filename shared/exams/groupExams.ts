import { hashPatientId } from '../dicom/hashPatientId.js';
import type { GradeResult } from '../grading/GradeResult.js';
import type { Eye, ExamGrouping, ExamPhotograph } from './ExamResult.js';
import type { ExamSidecar } from './parseExamSidecar.js';
import { parseExamPath } from './parseExamPath.js';

/** A graded photograph to be grouped: where it was found and its result. */
export interface GroupablePhotograph {
  /** Path relative to the input root, POSIX separators (e.g. `site1/p01/left/a.jpg`). */
  readonly relativePath: string;
  readonly stem: string;
  readonly result: GradeResult;
}

/** One exam: the photographs of one patient, and where its files go. */
export interface ExamGroup {
  /** Output folder of `exam.result.json`, relative to the output root. */
  readonly folder: string;
  readonly site: string;
  readonly patientIdHash: string;
  readonly grouping: ExamGrouping;
  readonly photographs: readonly ExamPhotograph[];
}

/** Options of {@link groupExams}. */
export interface GroupExamsOptions {
  /** Sidecars by the folder they sit in (relative to the root, POSIX, '' for the root). */
  sidecars?: ReadonlyMap<string, ExamSidecar>;
  /** Salt of the patient hashes (the `DRGRADE_IDENTIFIER_SALT` setting). */
  identifierSalt: string;
}

/**
 * Groups photographs into exams, per photograph by the first rule that applies:
 * 1. a sidecar `exam.json` in its folder that lists it (patient and eye from the sidecar);
 * 2. the path convention `<site>/<patient>/<left|right>/<file>`;
 * 3. its DICOM tags: the patient's salted hash, the eye from ImageLaterality/Laterality (site: the first folder).
 * Photographs none of these place belong to no exam. Patients are keyed by salted hash only.
 */
export function groupExams(photographs: readonly GroupablePhotograph[], options: GroupExamsOptions): ExamGroup[] {
  const groups = new Map<string, { folder: string; site: string; patientIdHash: string; grouping: ExamGrouping; photographs: ExamPhotograph[] }>();
  const add = (key: string, init: () => { folder: string; site: string; patientIdHash: string; grouping: ExamGrouping }, photo: ExamPhotograph) => {
    let g = groups.get(key);
    if (!g) { g = { ...init(), photographs: [] }; groups.set(key, g); }
    g.photographs.push(photo);
  };
  for (const p of photographs) {
    const folder = p.relativePath.includes('/') ? p.relativePath.slice(0, p.relativePath.lastIndexOf('/')) : '';
    const name = p.relativePath.slice(folder === '' ? 0 : folder.length + 1);
    const sidecar = options.sidecars?.get(folder);
    const listed = sidecar?.photographs.find((s) => s.file === name);
    if (sidecar && listed) {
      const site = sidecar.site ?? (folder.split('/')[0] || 'local');
      add(`sidecar:${folder}`, () => ({ folder, site, patientIdHash: hashPatientId(sidecar.patient, options.identifierSalt, `sidecar:${site}`), grouping: 'sidecar' }), { stem: p.stem, result: p.result, eye: listed.eye });
      continue;
    }
    const path = parseExamPath(p.relativePath);
    if (path) {
      const examFolder = `${path.site}/${path.patientFolder}`;
      add(`path:${examFolder}`, () => ({ folder: examFolder, site: path.site, patientIdHash: hashPatientId(path.patientFolder, options.identifierSalt, `path:${path.site}`), grouping: 'path' }), { stem: p.stem, result: p.result, eye: path.eye });
      continue;
    }
    const dicom = p.result.source?.dicom;
    if (dicom?.patientIdHash) {
      const site = folder.split('/')[0] || 'dicom';
      const eye: Eye | null = dicom.laterality;
      add(`dicom:${site}/${dicom.patientIdHash}`, () => ({ folder: `${site}/${dicom.patientIdHash}`, site, patientIdHash: dicom.patientIdHash!, grouping: 'dicom' }), { stem: p.stem, result: p.result, eye });
    }
  }
  return [...groups.values()].sort((a, b) => a.folder.localeCompare(b.folder));
}
