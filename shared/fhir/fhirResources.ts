import { createHash } from 'node:crypto';
import { gradeInfo, type IcdrGrade } from '../grading/gradeTable.js';
import { researchDisclaimer } from '../grading/GradeResult.js';
import { escapeHtml } from '../report/escapeHtml.js';
import type { CodeableConcept, Device, Observation, Reference } from './fhirTypes.js';
import { coding, identifierSystems, severityAnswer, severityFinding, valueSets } from './valueSets.js';

/**
 * The resource builders both bundles (photograph and exam) share. Ids are derived from a seed so that writing the
 * same result twice gives the same Bundle (idempotent outputs).
 */

/** A UUID (RFC 4122 layout, version 5 bits) derived from `seed`: stable across runs. */
export function uuidFromSeed(seed: string): string {
  const h = createHash('sha256').update(seed, 'utf8').digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The subject of every resource: a logical Patient reference by salted hash (never a name or identifier). */
export function subjectReference(patientIdHash: string | null | undefined): Reference | undefined {
  return patientIdHash ? { type: 'Patient', identifier: { system: identifierSystems.patientIdHash, value: patientIdHash } } : undefined;
}

/** A logical ImagingStudy reference by DICOM Study Instance UID (to file the report with the study). */
export function imagingStudyReference(studyInstanceUid: string): Reference {
  return { type: 'ImagingStudy', identifier: { system: identifierSystems.dicomUid, value: `urn:oid:${studyInstanceUid}` } };
}

/** The grading model as a Device: name, version, and its sha256 as an identifier; the disclaimer as a note. */
export function modelDevice(id: string, model: { name: string; version: string; sha256: string }): Device {
  return {
    resourceType: 'Device',
    id,
    identifier: [{ system: identifierSystems.modelSha256, value: model.sha256 }],
    deviceName: [{ name: model.name, type: 'model-name' }],
    version: [{ value: model.version }],
    note: [{ text: researchDisclaimer }],
  };
}

/** The report narrative: the research-use disclaimer, then the conclusion (XHTML, escaped). */
export function narrative(conclusion: string): { status: 'generated'; div: string } {
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml"><p><b>${escapeHtml(researchDisclaimer)}</b></p><p>${escapeHtml(conclusion)}</p></div>` };
}

/** FHIR `dateTime` from an ISO time: kept when it has a zone or no time; a local time without zone keeps its date. */
export function fhirDateTime(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  if (!iso.includes('T')) return iso;
  return /(Z|[+-]\d{2}:\d{2})$/.test(iso) ? iso : iso.slice(0, 10);
}

/** What every Observation of one subject and time shares. */
export interface ObservationContext {
  readonly subject: Reference | undefined;
  readonly effectiveDateTime: string | undefined;
  readonly issued: string;
  readonly device: Reference | undefined;
  readonly derivedFrom?: readonly Reference[];
}

const imaging: CodeableConcept[] = [{ coding: [coding('categories', 'imaging')] }];

function base(id: string, code: CodeableConcept, ctx: ObservationContext, status: 'final' | 'cancelled' = 'final') {
  return {
    resourceType: 'Observation' as const,
    id,
    status,
    category: imaging,
    code,
    ...(ctx.subject ? { subject: ctx.subject } : {}),
    ...(ctx.effectiveDateTime ? { effectiveDateTime: ctx.effectiveDateTime } : {}),
    issued: ctx.issued,
    ...(ctx.device ? { device: ctx.device } : {}),
    ...(ctx.derivedFrom && ctx.derivedFrom.length > 0 ? { derivedFrom: ctx.derivedFrom } : {}),
  };
}

/** Why a value is missing: `not-performed` (ungradable), `error` (input refused), `unknown` (not assessed). */
export type AbsentReason = 'not-performed' | 'error' | 'unknown';

const absent = (reason: AbsentReason): CodeableConcept => ({ coding: [coding('dataAbsent', reason)] });

/** The eye as a body site; `undefined` when not stated. */
export function eyeBodySite(eye: 'left' | 'right' | null): CodeableConcept | undefined {
  return eye === null ? undefined : { coding: [coding('eyes', eye === 'right' ? '362503005' : '362502000')] };
}

/**
 * The DR severity Observation: LOINC 71491-5 (right) / 71490-7 (left), or the disorder 4855003 when the eye is not
 * stated; the value is the LOINC answer with the SNOMED CT disorder of grades 1–4; `dataAbsentReason` without a grade.
 */
export function severityObservation(id: string, eye: 'left' | 'right' | null, grade: IcdrGrade | AbsentReason, ctx: ObservationContext): Observation {
  const code: CodeableConcept = eye === 'right'
    ? { coding: valueSets.severityRightEye, text: 'Diabetic retinopathy severity (ICDR), right eye' }
    : eye === 'left'
      ? { coding: valueSets.severityLeftEye, text: 'Diabetic retinopathy severity (ICDR), left eye' }
      : { coding: valueSets.severityEyeUnknown, text: 'Diabetic retinopathy severity (ICDR), eye not stated' };
  const bodySite = eyeBodySite(eye);
  const withSite = bodySite ? { bodySite } : {};
  if (typeof grade === 'string') return { ...base(id, code, ctx, grade === 'error' ? 'cancelled' : 'final'), dataAbsentReason: absent(grade), ...withSite };
  const finding = severityFinding(grade);
  return {
    ...base(id, code, ctx),
    valueCodeableConcept: { coding: finding ? [severityAnswer(grade), finding] : [severityAnswer(grade)], text: gradeInfo(grade).name },
    ...withSite,
  };
}

/** A yes/no decision (referable, sight-threatening) at a named operating point, or why it is missing. */
export function decisionObservation(
  id: string,
  which: 'referable-dr' | 'sight-threatening-dr',
  value: { decision: boolean; probability?: number; operatingPoint?: { name: string; threshold: number } } | AbsentReason,
  ctx: ObservationContext,
  eye: 'left' | 'right' | null = null,
): Observation {
  const code: CodeableConcept = { coding: [coding('local', which)] };
  const bodySite = eyeBodySite(eye);
  const withSite = bodySite ? { bodySite } : {};
  if (typeof value === 'string') return { ...base(id, code, ctx, value === 'error' ? 'cancelled' : 'final'), dataAbsentReason: absent(value), ...withSite };
  const point = value.operatingPoint;
  return {
    ...base(id, code, ctx),
    valueBoolean: value.decision,
    ...withSite,
    ...(point ? { method: { coding: [coding('local', 'operating-point')], text: `${point.name}: P(ICDR ≥ 2) ≥ ${point.threshold}` } } : {}),
    ...(value.probability !== undefined
      ? { component: [{ code: { coding: [coding('local', 'referable-probability')] }, valueQuantity: { value: value.probability, unit: '1', system: 'http://unitsofmeasure.org', code: '1' } }] }
      : {}),
  };
}

/**
 * The DME risk: SNOMED CT 312912001 with Present / Absent. Present = IDRiD risk 2 (hard exudates within one disc
 * diameter of the fovea); absence is stated for risk 0 and 1; `dataAbsentReason` when not assessed.
 */
export function dmeObservation(id: string, risk: 0 | 1 | 2 | AbsentReason, ctx: ObservationContext, eye: 'left' | 'right' | null = null): Observation {
  const code: CodeableConcept = { coding: valueSets.dme, text: 'Diabetic macular oedema risk (hard exudates within one disc diameter of the fovea)' };
  const bodySite = eyeBodySite(eye);
  const withSite = bodySite ? { bodySite } : {};
  if (typeof risk === 'string') return { ...base(id, code, ctx, risk === 'error' ? 'cancelled' : 'final'), dataAbsentReason: absent(risk), ...withSite };
  return {
    ...base(id, code, ctx),
    valueCodeableConcept: { coding: [coding('presence', risk === 2 ? '52101004' : '2667000')], text: `IDRiD DME risk ${risk}` },
    ...withSite,
  };
}

/** Image quality: the category (local codes) and the score 0–1 as a component; reasons in the text. */
export function qualityObservation(id: string, quality: { category: string; score: number; reasons: readonly string[] } | AbsentReason, ctx: ObservationContext, eye: 'left' | 'right' | null = null): Observation {
  const code: CodeableConcept = { coding: [coding('local', 'image-quality')] };
  const bodySite = eyeBodySite(eye);
  const withSite = bodySite ? { bodySite } : {};
  if (typeof quality === 'string') return { ...base(id, code, ctx, quality === 'error' ? 'cancelled' : 'final'), dataAbsentReason: absent(quality), ...withSite };
  return {
    ...base(id, code, ctx),
    valueCodeableConcept: { coding: [coding('local', `quality-${quality.category}`)], text: quality.reasons.length > 0 ? `${quality.category} (${quality.reasons.join(', ')})` : quality.category },
    ...withSite,
    component: [{ code: { coding: [coding('local', 'quality-score')] }, valueQuantity: { value: quality.score, unit: '1', system: 'http://unitsofmeasure.org', code: '1' } }],
  };
}

/** The report's code. */
export const reportCode: CodeableConcept = { coding: [coding('local', 'dr-screening-report')], text: 'Automated diabetic retinopathy grading of fundus photographs' };

/** The conclusion code of a grade: the SNOMED CT disorder (grades 1–4); none for grade 0. */
export function conclusionCodes(grade: IcdrGrade | null): CodeableConcept[] | undefined {
  const finding = grade === null ? null : severityFinding(grade);
  return finding ? [{ coding: [finding] }] : undefined;
}

