/** Where lesion candidates are looked for, relative to the optic disc and the fovea (normalised pixels). */
export interface AnatomyFrame {
  readonly disc?: { readonly x: number; readonly y: number; readonly radius: number } | null;
  readonly fovea?: { readonly x: number; readonly y: number } | null;
  /** Keep candidates within this many disc diameters of the fovea; `null` = whole retina. @default 2 */
  readonly maculaDiscDiameters?: number | null;
}

/** Inside 1.2 disc radii of the optic disc centre: the disc's rim and vessels are not lesions. */
export function insideOpticDisc(x: number, y: number, disc: AnatomyFrame['disc']): boolean {
  return Boolean(disc && Math.hypot(x - disc.x, y - disc.y) < 1.2 * disc.radius);
}

/** Within the macula filter (always true for the whole retina, or when the disc or fovea is unknown). */
export function withinMacula(x: number, y: number, frame: AnatomyFrame): boolean {
  const macula = frame.maculaDiscDiameters === undefined ? 2 : frame.maculaDiscDiameters;
  if (macula === null || !frame.fovea || !frame.disc) return true;
  return Math.hypot(x - frame.fovea.x, y - frame.fovea.y) <= macula * 2 * frame.disc.radius;
}

/** The detector's anatomy filter: outside the optic disc and within the macula filter. */
export function keepByAnatomy(x: number, y: number, frame: AnatomyFrame): boolean {
  return !insideOpticDisc(x, y, frame.disc) && withinMacula(x, y, frame);
}

/** The fovea itself is a large dark blob: coarse candidates within 0.6 disc diameters of it are not lesions. */
export function nearFovea(x: number, y: number, frame: AnatomyFrame): boolean {
  const { fovea, disc } = frame;
  return Boolean(fovea && disc && Math.hypot(x - fovea.x, y - fovea.y) < 1.2 * disc.radius);
}
