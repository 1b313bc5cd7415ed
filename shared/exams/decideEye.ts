import { gradeInfo, type IcdrGrade } from '../grading/gradeTable.js';
import { dmeRiskOfResult } from '../fhir/dmeRiskOfResult.js';
import type { EyeResult, ExamPhotograph } from './ExamResult.js';

const categoryRank: Record<string, number> = { excellent: 3, good: 2, adequate: 1, ungradable: 0 };

/**
 * The decision for one eye from its photographs (fields). The grade comes from the gradable photographs of the
 * best quality category (several fields of equal quality: the worst grade among them, so a lesion seen in one
 * field is not averaged away); the DME risk is the worst across every gradable field. No gradable photograph:
 * `ungradable` with a re-image recommendation; no photograph at all: `missing`, also re-image.
 */
export function decideEye(photographs: readonly ExamPhotograph[]): EyeResult {
  const fields = photographs.map((p) => ({ stem: p.stem, status: p.result.status, qualityScore: p.result.quality?.score ?? null, grade: p.result.grading?.grade ?? null }));
  const gradable = photographs.filter((p) => p.result.status === 'graded' && p.result.grading);
  if (gradable.length === 0) {
    return {
      status: photographs.length === 0 ? 'missing' : 'ungradable', grade: null, label: null, referable: null, sightThreatening: null, dmeRisk: null,
      qualityCategory: photographs.length === 0 ? null : 'ungradable', photographs: photographs.map((p) => p.stem), fields, recommendation: 're-image',
    };
  }
  const rank = (p: ExamPhotograph) => categoryRank[p.result.quality?.category ?? 'ungradable'] ?? 0;
  const bestRank = Math.max(...gradable.map(rank));
  const best = gradable.filter((p) => rank(p) === bestRank);
  let grade: IcdrGrade = 0;
  let referable = false;
  for (const p of best) {
    const g = p.result.grading!;
    if (g.grade > grade) grade = g.grade;
    referable ||= g.referable;
  }
  const risks = gradable.map((p) => dmeRiskOfResult(p.result)).filter((r): r is 0 | 1 | 2 => r !== null);
  const info = gradeInfo(grade);
  return {
    status: 'graded',
    grade,
    label: info.label,
    referable: referable || info.referable,
    sightThreatening: info.sightThreatening,
    dmeRisk: risks.length > 0 ? (Math.max(...risks) as 0 | 1 | 2) : null,
    qualityCategory: best[0]!.result.quality?.category ?? null,
    photographs: best.map((p) => p.stem),
    fields,
    recommendation: referable || info.referable ? 'refer' : 'rescreen',
  };
}
