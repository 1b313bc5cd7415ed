import { gradeInfo } from '../grading/gradeTable.js';
import type { GradeResult } from '../grading/GradeResult.js';
import { dmeRiskOfResult } from './dmeRiskOfResult.js';
import type { Bundle, DiagnosticReport, DrgradeResource, Observation, Reference } from './fhirTypes.js';
import {
  conclusionCodes, decisionObservation, dmeObservation, fhirDateTime, imagingStudyReference, modelDevice, narrative,
  qualityObservation, reportCode, severityObservation, subjectReference, uuidFromSeed, type ObservationContext,
} from './fhirResources.js';

/** Options of {@link buildDiagnosticReportBundle}. */
export interface PhotographBundleOptions {
  /** The eye, when stated outside the file (exam path or sidecar). @default `source.dicom.laterality`, else not stated */
  eye?: 'left' | 'right' | null;
  /** Salted patient hash, when known outside the file. @default `source.dicom.patientIdHash` */
  patientIdHash?: string | null;
  /** Seed of the resource ids (same seed, same Bundle). @default derived from the result's provenance and source */
  idSeed?: string;
}

/**
 * The FHIR R4 Bundle (type `collection`) of one photograph's result: a DiagnosticReport (status, code, subject as
 * a hashed identifier, effective time, conclusion, the disclaimer in its narrative), the Observations (DR
 * severity, referable and sight-threatening decisions with the operating point, DME risk, image quality; an
 * ungradable or rejected photograph gets `dataAbsentReason` instead of values) and the model as a Device.
 */
export function buildDiagnosticReportBundle(result: GradeResult, options: PhotographBundleOptions = {}): Bundle {
  const dicom = result.source?.dicom ?? null;
  const eye = options.eye !== undefined && options.eye !== null ? options.eye : dicom?.laterality ?? null;
  const seed = options.idSeed ?? `${result.provenance.createdAt}|${dicom?.sopInstanceUid ?? ''}|${JSON.stringify(result.provenance.source ?? {})}`;
  const id = (part: string) => uuidFromSeed(`${seed}|${part}`);
  const issued = result.provenance.createdAt;
  const model = result.provenance.model;
  const deviceId = id('device');
  const ctx: ObservationContext = {
    subject: subjectReference(options.patientIdHash !== undefined ? options.patientIdHash : dicom?.patientIdHash),
    effectiveDateTime: fhirDateTime(dicom?.acquisitionDateTime) ?? undefined,
    issued,
    device: model ? { reference: `urn:uuid:${deviceId}`, type: 'Device' } : undefined,
  };
  const g = result.grading;
  const absent = result.status === 'rejected' ? 'error' as const : 'not-performed' as const;
  const observations: Observation[] = [
    severityObservation(id('severity'), eye, g ? g.grade : absent, ctx),
    decisionObservation(id('referable'), 'referable-dr', g ? { decision: g.referable, probability: g.referableProbability, operatingPoint: g.operatingPoint } : absent, ctx, eye),
    decisionObservation(id('sight-threatening'), 'sight-threatening-dr', g ? { decision: g.sightThreatening, probability: g.sightThreateningProbability } : absent, ctx, eye),
    dmeObservation(id('dme'), result.status === 'rejected' ? 'error' : dmeRiskOfResult(result) ?? 'unknown', ctx, eye),
    qualityObservation(id('quality'), result.quality ?? 'error', ctx, eye),
  ];
  const conclusion = photographConclusion(result, eye);
  const report: DiagnosticReport = {
    resourceType: 'DiagnosticReport',
    id: id('report'),
    text: narrative(conclusion),
    ...(dicom?.sopInstanceUid ? { identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${dicom.sopInstanceUid}` }] } : {}),
    status: result.status === 'rejected' ? 'cancelled' : 'final',
    code: reportCode,
    ...(ctx.subject ? { subject: ctx.subject } : {}),
    ...(ctx.effectiveDateTime ? { effectiveDateTime: ctx.effectiveDateTime } : {}),
    issued,
    ...(dicom?.studyInstanceUid ? { imagingStudy: [imagingStudyReference(dicom.studyInstanceUid)] } : {}),
    result: observations.map((o): Reference => ({ reference: `urn:uuid:${o.id}`, type: 'Observation' })),
    conclusion,
    ...(g && conclusionCodes(g.grade) ? { conclusionCode: conclusionCodes(g.grade)! } : {}),
  };
  const resources: DrgradeResource[] = [report, ...observations, ...(model ? [modelDevice(deviceId, model)] : [])];
  return collection(id('bundle'), issued, resources);
}

/** A `collection` Bundle of resources, each entry's fullUrl its `urn:uuid:` id. */
export function collection(id: string, timestamp: string, resources: readonly DrgradeResource[]): Bundle {
  return { resourceType: 'Bundle', id, type: 'collection', timestamp, entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })) };
}

function photographConclusion(result: GradeResult, eye: 'left' | 'right' | null): string {
  const where = eye ? ` (${eye} eye)` : '';
  if (result.status === 'rejected') return `Not graded${where}: the input was refused (${result.error?.code ?? 'error'}).`;
  if (result.status === 'ungradable' || !result.grading) {
    return `Ungradable photograph${where} (${result.quality?.reasons.join(', ') || 'quality too low'}): re-image.`;
  }
  const g = result.grading;
  return `${gradeInfo(g.grade).name} (ICDR ${g.grade})${where}; ${g.referable ? 'referable' : 'not referable'} at operating point ${g.operatingPoint.name}.`;
}
