/** Landmarks in normalised-image pixels. */
export interface NormalisedLandmarks {
  readonly disc: { x: number; y: number; radius: number; confidence: number } | null;
  readonly fovea: { x: number; y: number; confidence: number } | null;
}
