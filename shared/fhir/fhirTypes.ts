/**
 * The FHIR R4 shapes drgrade writes, as plain data (a subset of the R4 resource definitions; tests validate every
 * resource against the official StructureDefinitions).
 */

/** R4 Coding. */
export interface Coding {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}

/** R4 CodeableConcept. */
export interface CodeableConcept {
  readonly coding?: readonly Coding[];
  readonly text?: string;
}

/** R4 Identifier. */
export interface Identifier {
  readonly system: string;
  readonly value: string;
}

/** R4 Reference: to a resource in the Bundle, or a logical reference by identifier. */
export interface Reference {
  readonly reference?: string;
  readonly type?: string;
  readonly identifier?: Identifier;
  readonly display?: string;
}

/** R4 Narrative. */
export interface Narrative {
  readonly status: 'generated';
  readonly div: string;
}

/** R4 Observation component. */
export interface ObservationComponent {
  readonly code: CodeableConcept;
  readonly valueQuantity?: { readonly value: number; readonly unit: string; readonly system: string; readonly code: string };
  readonly valueCodeableConcept?: CodeableConcept;
  readonly valueString?: string;
  readonly dataAbsentReason?: CodeableConcept;
}

/** R4 Observation (the elements drgrade fills). */
export interface Observation {
  readonly resourceType: 'Observation';
  readonly id: string;
  readonly status: 'final' | 'cancelled';
  readonly category?: readonly CodeableConcept[];
  readonly code: CodeableConcept;
  readonly subject?: Reference;
  readonly effectiveDateTime?: string;
  readonly issued?: string;
  readonly valueCodeableConcept?: CodeableConcept;
  readonly valueBoolean?: boolean;
  readonly dataAbsentReason?: CodeableConcept;
  readonly bodySite?: CodeableConcept;
  readonly method?: CodeableConcept;
  readonly device?: Reference;
  readonly derivedFrom?: readonly Reference[];
  readonly hasMember?: readonly Reference[];
  readonly component?: readonly ObservationComponent[];
  readonly note?: readonly { readonly text: string }[];
}

/** R4 Device (the model). */
export interface Device {
  readonly resourceType: 'Device';
  readonly id: string;
  readonly identifier?: readonly Identifier[];
  readonly deviceName: readonly { readonly name: string; readonly type: 'model-name' | 'manufacturer-name' | 'user-friendly-name' | 'other' }[];
  readonly version?: readonly { readonly value: string }[];
  readonly note?: readonly { readonly text: string }[];
}

/** R4 DiagnosticReport. */
export interface DiagnosticReport {
  readonly resourceType: 'DiagnosticReport';
  readonly id: string;
  readonly text: Narrative;
  readonly identifier?: readonly Identifier[];
  readonly status: 'final' | 'cancelled';
  readonly code: CodeableConcept;
  readonly subject?: Reference;
  readonly effectiveDateTime?: string;
  readonly issued: string;
  readonly imagingStudy?: readonly Reference[];
  readonly result?: readonly Reference[];
  readonly conclusion: string;
  readonly conclusionCode?: readonly CodeableConcept[];
}

/** A resource drgrade writes. */
export type DrgradeResource = Observation | Device | DiagnosticReport;

/** R4 Bundle of type `collection`. */
export interface Bundle {
  readonly resourceType: 'Bundle';
  readonly id: string;
  readonly type: 'collection';
  readonly timestamp: string;
  readonly entry: readonly { readonly fullUrl: string; readonly resource: DrgradeResource }[];
}
