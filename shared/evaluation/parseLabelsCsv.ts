import { fileStem, readCsv } from '../datasets/readCsv.js';
import { invalidArgument } from '../errors.js';
import { isIcdrGrade, type IcdrGrade } from '../grading/gradeTable.js';

/**
 * Reads a labels CSV (columns `image` and `dr_grade_icdr`, as `drgrade synth` writes them) into image stem →
 * ICDR grade. Rows are named by number in errors, never by image name; a missing column or a grade that is not an
 * integer 0–4 throws `INVALID_ARGUMENT`.
 */
export function parseLabelsCsv(text: string): Map<string, IcdrGrade> {
  const labels = new Map<string, IcdrGrade>();
  readCsv(text).forEach((row, index) => {
    if (row.image === undefined || row.dr_grade_icdr === undefined) {
      throw invalidArgument('the labels CSV header', 'columns image and dr_grade_icdr', Object.keys(row).join(','));
    }
    const grade = row.dr_grade_icdr === '' ? Number.NaN : Number(row.dr_grade_icdr);
    if (!isIcdrGrade(grade)) throw invalidArgument(`dr_grade_icdr of labels row ${index + 2}`, 'an integer 0–4', row.dr_grade_icdr);
    labels.set(fileStem(row.image), grade);
  });
  return labels;
}
