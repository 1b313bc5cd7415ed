import { invalidArgument } from '../errors.js';
import { defaultConcurrentAnalyses } from '../http/defaultConcurrentAnalyses.js';

/**
 * The function app's settings, read once from the environment into a typed read-only object.
 * The names below are exactly the app settings that infra/ writes; test/infra checks the two lists match.
 */

/** Name of the storage connection used by the blob trigger and the outputs (prefix of its app settings). */
export const storageConnectionName = 'FundusStorage';

/** Every environment setting the function app reads (besides the `FundusStorage*` connection). */
export const settingNames = {
  incomingContainer: 'DRGRADE_INCOMING_CONTAINER',
  resultsContainer: 'DRGRADE_RESULTS_CONTAINER',
  poisonContainer: 'DRGRADE_POISON_CONTAINER',
  inferenceUrl: 'DRGRADE_INFERENCE_URL',
  inferenceKey: 'DRGRADE_INFERENCE_KEY',
  inferenceTimeoutMs: 'DRGRADE_INFERENCE_TIMEOUT_MS',
  storageTimeoutMs: 'DRGRADE_STORAGE_TIMEOUT_MS',
  modelName: 'DRGRADE_MODEL_NAME',
  modelDir: 'DRGRADE_MODEL_DIR',
  executionProvider: 'DRGRADE_EXECUTION_PROVIDER',
  maxImageBytes: 'DRGRADE_MAX_IMAGE_BYTES',
  maxPixels: 'DRGRADE_MAX_PIXELS',
  requestDeadlineMs: 'DRGRADE_REQUEST_DEADLINE_MS',
  maxConcurrentAnalyses: 'DRGRADE_MAX_CONCURRENT_ANALYSES',
  analysisQueueSize: 'DRGRADE_ANALYSIS_QUEUE_SIZE',
  maculaDiscDiameters: 'DRGRADE_MACULA_DISC_DIAMETERS',
  identifierSalt: 'DRGRADE_IDENTIFIER_SALT',
  applicationInsightsConnectionString: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
  applicationInsightsAuthentication: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
} as const;

/** How the storage connection is configured. */
export type StorageConnection =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; blobServiceUri: string; credential: 'managedidentity' | 'default'; clientId: string | undefined };

/** Execution provider preference for in-process inference. */
export type ExecutionProviderPreference = 'cpu' | 'cuda' | 'auto';

/** Checks an execution-provider preference; `name` is the setting or option named in the error. */
export function parseExecutionProvider(name: string, value: string): ExecutionProviderPreference {
  if (value !== 'cpu' && value !== 'cuda' && value !== 'auto') throw invalidArgument(name, "'cpu', 'cuda' or 'auto'", value);
  return value;
}

/** The typed settings object passed down from the function entry points. */
export interface Settings {
  /** Storage connection, or `undefined` when none is configured (HTTP-only local use). */
  readonly storage: StorageConnection | undefined;
  /** @default 'fundus-incoming' */
  readonly incomingContainer: string;
  /** @default 'fundus-results' */
  readonly resultsContainer: string;
  /** @default 'fundus-poison' */
  readonly poisonContainer: string;
  /** Open Inference Protocol base URL of the GPU service; `undefined` = in-process ONNX Runtime. */
  readonly inferenceUrl: string | undefined;
  /** Bearer key for the inference service. */
  readonly inferenceKey: string | undefined;
  /** @default 20000 */
  readonly inferenceTimeoutMs: number;
  /** Longest one storage request may take before it is abandoned as `STORAGE_TRANSIENT` (the platform retries). @default 30000 */
  readonly storageTimeoutMs: number;
  /** Model name on the inference server. @default 'drgrade' */
  readonly modelName: string;
  /** Local model folder; `undefined` = the shipped default model. */
  readonly modelDir: string | undefined;
  /** @default 'cpu' */
  readonly executionProvider: ExecutionProviderPreference;
  /** @default 33554432 (32 MiB) */
  readonly maxImageBytes: number;
  /** @default 40000000 */
  readonly maxPixels: number;
  /** Deadline for one HTTP grading request. @default 120000 (well under the platform's 230 s) */
  readonly requestDeadlineMs: number;
  /** Photographs one instance analyses at once over HTTP. @default one per core, as memory allows (`defaultConcurrentAnalyses`) */
  readonly maxConcurrentAnalyses: number;
  /** HTTP requests waiting for an analysis slot; beyond it 503 `SERVICE_OVERLOADED` with Retry-After. @default `maxConcurrentAnalyses` */
  readonly analysisQueueSize: number;
  /** Lesion search radius around the fovea in disc diameters; `null` = whole retina. @default 2 */
  readonly maculaDiscDiameters: number | null;
  /**
   * Salt of the patient-identifier hashes written in results (`source.dicom.patientIdHash`, FHIR subjects, exam
   * keys). A secret: never logged. @default '' (then hashes are only pseudonyms; infra always sets one)
   */
  readonly identifierSalt: string;
  /**
   * Application Insights connection string, where the daily drift run sends its custom metrics (`drgrade.drift.*`);
   * `undefined` = no metrics (local runs). The standard setting the Functions host also reads. @default undefined
   */
  readonly applicationInsightsConnectionString: string | undefined;
  /**
   * How telemetry authenticates: `Authorization=AAD` with an optional `ClientId=<user-assigned identity>`, the
   * standard setting; infra sets it because the component accepts only Entra tokens. @default undefined (no token)
   */
  readonly applicationInsightsAuthentication: string | undefined;
}

/** Default values of {@link Settings}. */
export const defaultSettings: Settings = Object.freeze({
  storage: undefined,
  incomingContainer: 'fundus-incoming',
  resultsContainer: 'fundus-results',
  poisonContainer: 'fundus-poison',
  inferenceUrl: undefined,
  inferenceKey: undefined,
  inferenceTimeoutMs: 20_000,
  storageTimeoutMs: 30_000,
  modelName: 'drgrade',
  modelDir: undefined,
  executionProvider: 'cpu',
  maxImageBytes: 32 * 1024 * 1024,
  maxPixels: 40_000_000,
  requestDeadlineMs: 120_000,
  maxConcurrentAnalyses: defaultConcurrentAnalyses(),
  analysisQueueSize: defaultConcurrentAnalyses(),
  maculaDiscDiameters: 2,
  identifierSalt: '',
  applicationInsightsConnectionString: undefined,
  applicationInsightsAuthentication: undefined,
});

/** Reads {@link Settings} from an environment (default `process.env`); invalid values throw `INVALID_ARGUMENT`. */
export function readSettings(env: Record<string, string | undefined> = process.env): Settings {
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number): number => {
    const v = str(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw invalidArgument(name, `an integer >= ${min}`, v);
    return n;
  };
  const maxConcurrentAnalyses = int(settingNames.maxConcurrentAnalyses, defaultSettings.maxConcurrentAnalyses, 1);
  const ep = parseExecutionProvider(settingNames.executionProvider, str(settingNames.executionProvider) ?? defaultSettings.executionProvider);
  const macula = str(settingNames.maculaDiscDiameters);
  let maculaDiscDiameters: number | null = defaultSettings.maculaDiscDiameters;
  if (macula !== undefined) {
    if (macula === 'null' || macula === 'none') maculaDiscDiameters = null;
    else {
      const n = Number(macula);
      if (!Number.isFinite(n) || n <= 0) throw invalidArgument(settingNames.maculaDiscDiameters, "a positive number or 'null'", macula);
      maculaDiscDiameters = n;
    }
  }
  return Object.freeze({
    storage: readStorageConnection(env),
    incomingContainer: str(settingNames.incomingContainer) ?? defaultSettings.incomingContainer,
    resultsContainer: str(settingNames.resultsContainer) ?? defaultSettings.resultsContainer,
    poisonContainer: str(settingNames.poisonContainer) ?? defaultSettings.poisonContainer,
    inferenceUrl: str(settingNames.inferenceUrl),
    inferenceKey: str(settingNames.inferenceKey),
    inferenceTimeoutMs: int(settingNames.inferenceTimeoutMs, defaultSettings.inferenceTimeoutMs, 1),
    storageTimeoutMs: int(settingNames.storageTimeoutMs, defaultSettings.storageTimeoutMs, 1),
    modelName: str(settingNames.modelName) ?? defaultSettings.modelName,
    modelDir: str(settingNames.modelDir),
    executionProvider: ep,
    maxImageBytes: int(settingNames.maxImageBytes, defaultSettings.maxImageBytes, 1),
    maxPixels: int(settingNames.maxPixels, defaultSettings.maxPixels, 1),
    requestDeadlineMs: int(settingNames.requestDeadlineMs, defaultSettings.requestDeadlineMs, 1),
    maxConcurrentAnalyses,
    analysisQueueSize: int(settingNames.analysisQueueSize, maxConcurrentAnalyses, 0),
    maculaDiscDiameters,
    identifierSalt: str(settingNames.identifierSalt) ?? defaultSettings.identifierSalt,
    applicationInsightsConnectionString: str(settingNames.applicationInsightsConnectionString),
    applicationInsightsAuthentication: str(settingNames.applicationInsightsAuthentication),
  });
}

/**
 * Reads the `FundusStorage` connection: either a connection string (Azurite, `UseDevelopmentStorage=true`) or the
 * identity-based form `FundusStorage__serviceUri` / `__blobServiceUri`, `__credential`, `__clientId`.
 */
export function readStorageConnection(env: Record<string, string | undefined>, name = storageConnectionName): StorageConnection | undefined {
  const connectionString = env[name]?.trim();
  if (connectionString) return { kind: 'connectionString', connectionString };
  const uri = (env[`${name}__blobServiceUri`] ?? env[`${name}__serviceUri`])?.trim();
  if (!uri) return undefined;
  const credential = env[`${name}__credential`]?.trim().toLowerCase();
  return {
    kind: 'identity',
    blobServiceUri: uri,
    credential: credential === 'managedidentity' ? 'managedidentity' : 'default',
    clientId: env[`${name}__clientId`]?.trim() || undefined,
  };
}
