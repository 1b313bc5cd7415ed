/**
 * The one table of lesion classes. Detection (the learned stage's output channels), drawing, the report, the
 * synthetic generator and the evaluators read it; a new class (say cotton-wool spots under their own code) is one
 * row here plus a retrained lesion model with that output channel.
 */

/** A row of {@link lesionClasses}. */
export interface LesionClassInfo {
  /** Short code: the lesion model's output channel name and the suffix of `--lesion-maps` files. */
  readonly code: LesionCode;
  /** Name used in results (`lesions[].class`). */
  readonly label: LesionLabel;
  /** FRST polarity whose candidates can be of this class. */
  readonly kind: 'dark' | 'bright';
  /** Human-readable name (reports). */
  readonly title: string;
  /**
   * Drawing colour in the annotated image, RGB 0–255 (dark classes as rings, bright ones as squares; cyan/blue against
   * magenta/orange stays distinct for red–green colour-blind readers).
   */
  readonly colour: readonly [number, number, number];
  /** IDRiD segmentation mask folder and file suffix. */
  readonly idridMask: 'MA' | 'HE' | 'EX' | 'SE';
}

/** Lesion class codes, in the lesion model's channel order. */
export type LesionCode = 'MA' | 'HE' | 'EX' | 'SE';

/** Lesion class names as results carry them. */
export type LesionLabel = 'microaneurysm' | 'haemorrhage' | 'exudate' | 'soft_exudate';

/** The classes, in the lesion model's output-channel order. */
export const lesionClasses: readonly LesionClassInfo[] = [
  { code: 'MA', label: 'microaneurysm', kind: 'dark', title: 'Microaneurysm', colour: [0, 255, 255], idridMask: 'MA' },
  { code: 'HE', label: 'haemorrhage', kind: 'dark', title: 'Haemorrhage', colour: [70, 130, 255], idridMask: 'HE' },
  { code: 'EX', label: 'exudate', kind: 'bright', title: 'Hard exudate', colour: [255, 0, 255], idridMask: 'EX' },
  { code: 'SE', label: 'soft_exudate', kind: 'bright', title: 'Soft exudate (cotton-wool spot)', colour: [255, 160, 0], idridMask: 'SE' },
];

/** Row of a class by code. Throws on an unknown code (a programming error, never input). */
export function lesionClassByCode(code: LesionCode): LesionClassInfo {
  const row = lesionClasses.find((c) => c.code === code);
  if (!row) throw new Error(`Expected a lesion class code of ${lesionClasses.map((c) => c.code).join(', ')} but received ${String(code)}`);
  return row;
}

/** Row of a class by its result label. */
export function lesionClassByLabel(label: LesionLabel): LesionClassInfo {
  const row = lesionClasses.find((c) => c.label === label);
  if (!row) throw new Error(`Expected a lesion class label of ${lesionClasses.map((c) => c.label).join(', ')} but received ${String(label)}`);
  return row;
}
