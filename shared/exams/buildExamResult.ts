import { researchDisclaimer } from '../grading/GradeResult.js';
import { decideEye } from './decideEye.js';
import type { ExamResult } from './ExamResult.js';
import type { ExamGroup } from './groupExams.js';

/**
 * The exam's decision: referable when either eye is; `ungradable` (re-image) when an eye has no gradable
 * photograph or is missing; otherwise `graded` with a routine rescreen. Deterministic for the same results.
 */
export function buildExamResult(group: ExamGroup): ExamResult {
  const left = decideEye(group.photographs.filter((p) => p.eye === 'left'));
  const right = decideEye(group.photographs.filter((p) => p.eye === 'right'));
  const referable = left.referable === true || right.referable === true;
  const status = left.status === 'graded' && right.status === 'graded' ? 'graded' : 'ungradable';
  const results = group.photographs.map((p) => p.result);
  const model = results.find((r) => r.provenance.model)?.provenance.model ?? null;
  const studies = [...new Set(results.map((r) => r.source?.dicom?.studyInstanceUid).filter((u): u is string => !!u))].sort();
  return {
    disclaimer: researchDisclaimer,
    exam: {
      status,
      referable,
      sightThreatening: left.sightThreatening === true || right.sightThreatening === true,
      recommendation: referable ? 'refer' : status === 'ungradable' ? 're-image' : 'rescreen',
      site: group.site,
      patientIdHash: group.patientIdHash,
      grouping: group.grouping,
      studyInstanceUids: studies,
      photographCount: group.photographs.length,
    },
    eyes: { left, right },
    unassigned: group.photographs.filter((p) => p.eye === null).map((p) => p.stem),
    provenance: {
      model: model ? { name: model.name, version: model.version, sha256: model.sha256 } : null,
      createdAt: results.map((r) => r.provenance.createdAt).sort().at(-1) ?? new Date(0).toISOString(),
    },
  };
}
