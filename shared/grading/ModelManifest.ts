import type { ModelInputDatatype, ModelInputLayout } from '../model/ModelTensor.js';

/**
 * The model contract: a model is a folder holding `model.onnx` and `model.json` (this manifest).
 * The JSON Schema is `models/model.schema.json`; validation and loading live in `loadModel.ts`.
 * Version 1: FP32 NCHW, normalised on the host. Version 2: FP32 or UINT8, NCHW or NHWC; a UINT8 model takes the
 * resized RGB bytes and normalises inside its graph (`preprocessing.normalisation: 'in-graph'`).
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
  /**
   * Where (pixel / 255 - mean[c]) / std[c] is computed: 'host' (FP32 models: `imageToTensor` does it) or
   * 'in-graph' (UINT8 models: the graph's first nodes do it from the same mean and std).
   * Version-1 manifests have no such field and are read as 'host'.
   */
  readonly normalisation: 'host' | 'in-graph';
  /** Tensor value = (pixel / 255 - mean[c]) / std[c], on the host or in the graph (see `normalisation`). */
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
  /** 1: FP32 NCHW only; 2: the datatypes and layouts below. */
  readonly schemaVersion: 1 | 2;
  readonly name: string;
  readonly version: string;
  /** Hex sha256 of `model.onnx`. */
  readonly sha256: string;
  readonly description?: string;
  readonly input: {
    readonly name: string;
    /** [batch, 3, size, size] (NCHW) or [batch, size, size, 3] (NHWC); batch may be -1 (dynamic). */
    readonly shape: readonly number[];
    readonly layout: ModelInputLayout;
    /** FP32 with host normalisation, or UINT8 with the normalisation in the graph. */
    readonly datatype: ModelInputDatatype;
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
