import type { IcdrGrade } from '../grading/gradeTable.js';
import type { Coding } from './fhirTypes.js';

/**
 * Every code drgrade writes into FHIR, in one table: the LOINC and SNOMED CT codes of the DR screening value sets,
 * the HL7 codes FHIR itself requires, and drgrade's local codes for concepts without a standard code (the
 * referable and sight-threatening decisions, image quality). Tests check that every coding of every resource is a
 * row of this table.
 */

/** Code system URIs. */
export const codeSystems = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  dataAbsentReason: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  /** drgrade's local code system (no standard code exists for these concepts). */
  drgrade: 'https://github.com/drgrade/drgrade/fhir/CodeSystem/drgrade',
} as const;

/** Identifier systems (not codes): hashed patient identifiers, DICOM UIDs, the model's checksum. */
export const identifierSystems = {
  patientIdHash: 'urn:drgrade:identifier:patient-id-hash',
  dicomUid: 'urn:dicom:uid',
  modelSha256: 'urn:drgrade:identifier:model-sha256',
} as const;

const loinc = (code: string, display: string): Coding => ({ system: codeSystems.loinc, code, display });
const snomed = (code: string, display: string): Coding => ({ system: codeSystems.snomed, code, display });
const local = (code: string, display: string): Coding => ({ system: codeSystems.drgrade, code, display });
const absent = (code: string, display: string): Coding => ({ system: codeSystems.dataAbsentReason, code, display });

/** The value sets: name → codings. */
export const valueSets = {
  /** Observation.code of the per-eye DR severity (ICDR). */
  severityRightEye: [loinc('71491-5', 'Right eye Diabetic retinopathy severity level')],
  severityLeftEye: [loinc('71490-7', 'Left eye Diabetic retinopathy severity level')],
  /** Observation.code of a severity whose eye is not stated: the disorder the severity is graded for. */
  severityEyeUnknown: [snomed('4855003', 'Retinopathy due to diabetes mellitus')],
  /** LOINC answers for ICDR grades 0–4, in grade order. */
  severityAnswers: [
    loinc('LA18643-9', 'No apparent retinopathy'),
    loinc('LA18644-7', 'Mild non-proliferative retinopathy'),
    loinc('LA18645-4', 'Moderate non-proliferative retinopathy'),
    loinc('LA18646-2', 'Severe non-proliferative retinopathy'),
    loinc('LA18648-8', 'Proliferative retinopathy'),
  ],
  /** SNOMED CT disorders (under 4855003) for ICDR grades 1–4; grade 0 has none. */
  severityFindings: [
    snomed('312903003', 'Mild non-proliferative retinopathy due to diabetes mellitus'),
    snomed('312904009', 'Moderate non-proliferative retinopathy due to diabetes mellitus'),
    snomed('312905005', 'Severe non-proliferative retinopathy due to diabetes mellitus'),
    snomed('59276001', 'Proliferative retinopathy due to diabetes mellitus'),
  ],
  diabeticRetinopathy: [snomed('4855003', 'Retinopathy due to diabetes mellitus')],
  /** Observation.code of the DME risk; its value states presence or absence. */
  dme: [snomed('312912001', 'Macular oedema due to diabetes mellitus')],
  presence: [snomed('52101004', 'Present'), snomed('2667000', 'Absent')],
  /** Observation.bodySite. */
  eyes: [snomed('362503005', 'Entire right eye'), snomed('362502000', 'Entire left eye')],
  /** Observation.category. */
  categories: [{ system: codeSystems.observationCategory, code: 'imaging', display: 'Imaging' }],
  /** Observation.dataAbsentReason. */
  dataAbsent: [absent('not-performed', 'Not Performed'), absent('error', 'Error'), absent('unknown', 'Unknown')],
  /** drgrade's local concepts. */
  local: [
    local('dr-screening-report', 'Automated diabetic retinopathy grading (research use only)'),
    local('referable-dr', 'Referable diabetic retinopathy (ICDR grade 2 or worse)'),
    local('sight-threatening-dr', 'Sight-threatening diabetic retinopathy (ICDR grade 3 or worse)'),
    local('image-quality', 'Fundus photograph quality'),
    local('quality-score', 'Fundus photograph quality score (0 unusable to 1 excellent)'),
    local('quality-excellent', 'Excellent'),
    local('quality-good', 'Good'),
    local('quality-adequate', 'Adequate'),
    local('quality-ungradable', 'Ungradable'),
    local('referable-probability', 'Probability of referable diabetic retinopathy'),
    local('operating-point', 'Operating point of the referable decision'),
    local('reimage', 'Re-image the eye: no gradable photograph'),
  ],
} as const satisfies Record<string, readonly Coding[]>;

/** Every coding of every value set, keyed `system|code` (derived from {@link valueSets}). */
export const allowedCodings: ReadonlyMap<string, Coding> = new Map(
  Object.values(valueSets).flatMap((set: readonly Coding[]) => set.map((c) => [`${c.system}|${c.code}`, c] as const)),
);

/** One coding of a value set by code; throws when the code is not in it (a programming error). */
export function coding(set: keyof typeof valueSets, code: string): Coding {
  const found = (valueSets[set] as readonly Coding[]).find((c) => c.code === code);
  if (!found) throw new Error(`Expected a code of value set ${set} but received ${code}`);
  return found;
}

/** The LOINC answer of an ICDR grade. */
export function severityAnswer(grade: IcdrGrade): Coding {
  return valueSets.severityAnswers[grade];
}

/** The SNOMED CT disorder of an ICDR grade (`null` for grade 0). */
export function severityFinding(grade: IcdrGrade): Coding | null {
  return grade === 0 ? null : valueSets.severityFindings[grade - 1] ?? null;
}
