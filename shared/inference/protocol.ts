/**
 * Wire types of the Open Inference Protocol (KServe v2) REST API, named after the spec's objects
 * (https://kserve.github.io/website/docs/concepts/architecture/data-plane/v2-protocol/rest-protocol): `$inference_request`
 * is {@link InferenceRequest}, `$request_input` is {@link RequestInput}, and so on. Field names keep the spec's
 * snake_case because they are the JSON on the wire. They live in one file because together they are one thing,
 * the protocol; the code that reads and writes them is elsewhere.
 */

/** `$parameters`: extra, protocol- or server-specific values. */
export type Parameters = Record<string, string | number | boolean>;

/** JSON tensor data: row-major, flat or nested. */
export type TensorJsonData = ReadonlyArray<number | boolean | string | TensorJsonData>;

/** `$metadata_server_response` (GET /v2). */
export interface ServerMetadataResponse {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
}

/** `$metadata_tensor`: a model input or output; -1 marks a variable dimension. */
export interface MetadataTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
}

/** `$metadata_model_response` (GET /v2/models/{name}[/versions/{v}]); `parameters` is an allowed extra. */
export interface ModelMetadataResponse {
  readonly name: string;
  readonly versions?: readonly string[];
  readonly platform: string;
  readonly inputs: readonly MetadataTensor[];
  readonly outputs: readonly MetadataTensor[];
  readonly parameters?: Parameters;
}

/** `$request_input`. With the binary extension, `parameters.binary_data_size` replaces `data`. */
export interface RequestInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly parameters?: Parameters;
  readonly data?: TensorJsonData;
}

/** `$request_output`: which output to return; `parameters.binary_data` asks for it in binary. */
export interface RequestOutput {
  readonly name: string;
  readonly parameters?: Parameters;
}

/** `$inference_request` (POST .../infer). `parameters.binary_data_output` asks for every output in binary. */
export interface InferenceRequest {
  readonly id?: string;
  readonly parameters?: Parameters;
  readonly inputs: readonly RequestInput[];
  readonly outputs?: readonly RequestOutput[];
}

/** `$response_output`. With the binary extension, `parameters.binary_data_size` replaces `data`. */
export interface ResponseOutput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly parameters?: Parameters;
  readonly data?: TensorJsonData;
}

/** `$inference_response`. */
export interface InferenceResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
  readonly parameters?: Parameters;
  readonly outputs: readonly ResponseOutput[];
}

/** `$inference_error_response` and every other error body. */
export interface InferenceErrorResponse {
  readonly error: string;
}

/** HTTP header giving the length of the JSON part of a body that carries binary tensors. */
export const inferenceHeaderContentLength = 'inference-header-content-length';
