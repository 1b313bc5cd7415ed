import { gradeInfo, type IcdrGrade } from '../grading/gradeTable.js';
import { eyes, type ExamResult } from '../exams/ExamResult.js';
import { collection } from './buildDiagnosticReportBundle.js';
import type { Bundle, DiagnosticReport, Observation, Reference } from './fhirTypes.js';
import {
  conclusionCodes, decisionObservation, dmeObservation, imagingStudyReference, modelDevice, narrative, reportCode,
  severityObservation, subjectReference, uuidFromSeed, type ObservationContext,
} from './fhirResources.js';

/**
 * The FHIR R4 Bundle of an exam (`exam.fhir.json`): one DiagnosticReport for the patient's exam, per eye a DR
 * severity Observation (71491-5 / 71490-7; `dataAbsentReason` for an ungradable or missing eye), a referable
 * decision and the DME risk, the exam-level referable and sight-threatening decisions, and the model Device.
 * The conclusion says refer, re-image (naming the eye) or rescreen.
 */
export function buildExamBundle(exam: ExamResult): Bundle {
  const seed = `exam|${exam.exam.site}|${exam.exam.patientIdHash ?? ''}|${exam.provenance.createdAt}`;
  const id = (part: string) => uuidFromSeed(`${seed}|${part}`);
  const issued = exam.provenance.createdAt;
  const deviceId = id('device');
  const ctx: ObservationContext = {
    subject: subjectReference(exam.exam.patientIdHash),
    effectiveDateTime: undefined,
    issued,
    device: exam.provenance.model ? { reference: `urn:uuid:${deviceId}`, type: 'Device' } : undefined,
  };
  const observations: Observation[] = [];
  for (const eye of eyes) {
    const e = exam.eyes[eye];
    const graded = e.status === 'graded' && e.grade !== null;
    observations.push(severityObservation(id(`${eye}-severity`), eye, graded ? e.grade! : 'not-performed', ctx));
    observations.push(decisionObservation(id(`${eye}-referable`), 'referable-dr', graded ? { decision: e.referable === true } : 'not-performed', ctx, eye));
    observations.push(dmeObservation(id(`${eye}-dme`), graded ? e.dmeRisk ?? 'unknown' : 'not-performed', ctx, eye));
  }
  observations.push(decisionObservation(id('exam-referable'), 'referable-dr', { decision: exam.exam.referable }, ctx));
  observations.push(decisionObservation(id('exam-sight-threatening'), 'sight-threatening-dr', { decision: exam.exam.sightThreatening }, ctx));
  const gradedEyes = eyes.map((e) => exam.eyes[e].grade).filter((g): g is IcdrGrade => g !== null);
  const worst = gradedEyes.length > 0 ? (Math.max(...gradedEyes) as IcdrGrade) : null;
  const conclusion = examConclusion(exam);
  const report: DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    id: id('report'),
    text: narrative(conclusion),
    status: 'final',
    code: reportCode,
    ...(ctx.subject ? { subject: ctx.subject } : {}),
    issued,
    ...(exam.exam.studyInstanceUids.length > 0 ? { imagingStudy: exam.exam.studyInstanceUids.map(imagingStudyReference) } : {}),
    result: observations.map((o): Reference => ({ reference: `urn:uuid:${o.id}`, type: 'Observation' })),
    conclusion,
    ...(conclusionCodes(worst) ? { conclusionCode: conclusionCodes(worst)! } : {}),
  };
  return collection(id('bundle'), issued, [report, ...observations, ...(exam.provenance.model ? [modelDevice(deviceId, exam.provenance.model)] : [])]);
}

function examConclusion(exam: ExamResult): string {
  const parts = eyes.map((eye) => {
    const e = exam.eyes[eye];
    if (e.status === 'missing') return `${eye} eye: no photograph`;
    if (e.status === 'ungradable' || e.grade === null) return `${eye} eye: ungradable`;
    return `${eye} eye: ${gradeInfo(e.grade).name} (ICDR ${e.grade})`;
  });
  const reimage = eyes.filter((eye) => exam.eyes[eye].status !== 'graded');
  const action = exam.exam.referable
    ? 'Refer to an ophthalmologist (referable diabetic retinopathy).'
    : reimage.length > 0 ? `Re-image the ${reimage.join(' and ')} eye${reimage.length > 1 ? 's' : ''}.` : 'No referable retinopathy: rescreen at the routine interval.';
  return `${parts.join('; ')}. ${action}${exam.exam.referable && reimage.length > 0 ? ` Also re-image the ${reimage.join(' and ')} eye.` : ''}`;
}
