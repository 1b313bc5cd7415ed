import { hashIdentifier } from '../storage/hashIdentifier.js';

/**
 * The salted stand-in for a patient identifier in results, FHIR references and exam keys: {@link hashIdentifier}
 * of the salt, the issuer and the identifier, joined by NUL (which none of them may contain). Without the salt an
 * identifier cannot be confirmed by hashing guesses; with the same salt the same patient always maps to the same
 * hash, so exams group.
 */
export function hashPatientId(patientId: string, salt: string, issuer: string | null = null): string {
  return hashIdentifier(`${salt}\u0000${issuer ?? ''}\u0000${patientId}`);
}
