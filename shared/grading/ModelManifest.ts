/**
 * The model contract: a model is a folder holding `model.onnx` and `model.json` (this manifest).
 * The JSON Schema is `models/model.schema.json`; validation and loading live in `loadModel.ts`.
 */

/** Which image the model reads. */
export type ImageKind = 'original' | 'enhanced' | 'annotated';

/** How a normalised fundus image becomes the model's input tensor. */
export interface Preprocessing {
  /** Image kind produced by the analysis core. */
  readonly imageKind: ImageKind;
  /** Square input side in pixels (the normalised, FOV-centred square image is resized to size × size). */
  readonly size: number;
  /** sharp resize kernel used to go from the normalised image to `size`. */
  readonly resizeKernel: 'nearest' | 'linear' | 'cubic' | 'mitchell' | 'lanczos2' | 'lanczos3';
  /** Channel order of the tensor. */
  readonly channelOrder: 'RGB';
  /** Tensor value = (pixel / 255 - mean[c]) / std[c]. */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

/** One referable-DR operating point. */
export interface OperatingPoint {
  readonly name: string;
  /** Referable when P(grade >= 2) >= threshold. */
  readonly threshold: number;
  /** Validation sensitivity / specificity at this threshold. */
  readonly sensitivity?: number;
  readonly specificity?: number;
}

/** The `model.json` manifest. */
export interface ModelManifest {
  readonly schemaVersion: 1;
  readonly name: string;
  readonly version: string;
  /** Hex sha256 of `model.onnx`. */
  readonly sha256: string;
  readonly description?: string;
  readonly input: {
    readonly name: string;
    /** [batch, 3, size, size]; batch may be -1 (dynamic). */
    readonly shape: readonly number[];
    readonly layout: 'NCHW';
    readonly datatype: 'FP32';
  };
  readonly preprocessing: Preprocessing;
  readonly output: {
    readonly name: string;
    readonly kind: 'logits' | 'probabilities';
    /** [batch, 5]. */
    readonly shape: readonly number[];
  };
  /** The five ICDR labels in output order (see shared/grading/gradeTable.ts). */
  readonly labels: readonly string[];
  readonly calibration: { readonly method: 'temperature' | 'none'; readonly temperature: number };
  readonly operatingPoints: {
    /** Name of the point used when none is asked for. */
    readonly default: string;
    readonly referable: readonly OperatingPoint[];
  };
  readonly training: {
    readonly data: string;
    readonly license: string;
    readonly attribution: string;
    readonly [key: string]: unknown;
  };
  /** Validation metrics measured by the training recipe. */
  readonly validation: { readonly [key: string]: unknown };
  readonly intendedUse: string;
}
