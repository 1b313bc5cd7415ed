import { readSettings, readStorageConnection, storageConnectionName, type Settings, type StorageConnection } from '../../shared/config/settings.js';
import { invalidArgument } from '../../shared/errors.js';
import { gradeBytesFor } from '../../shared/service/gradeBytesFor.js';
import { replayDeadLetters } from '../../shared/service/replayDeadLetters.js';
import { replayIncoming } from '../../shared/service/replayIncoming.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { createBlobServiceClient } from '../../shared/storage/createBlobServiceClient.js';
import { intOption, parseCli } from '../args.js';

/** One line for the help text. */
export const summary =
  'replay [--connection <connection string | setting name>] [--poisoned | --all] [--prefix <p>] [--concurrency <n>] [--model-dir <dir>] [--inference-url <url>]: regrade dead-lettered (default) or all incoming blobs in this process';

/**
 * `drgrade replay`: re-runs grading here (it never copies or rewrites originals, so no new trigger fires and no
 * duplicate source appears). `--poisoned` replays the dead-letter records in the poison container and removes each
 * one that succeeds; `--all` regrades every incoming blob (e.g. after a new model). Grading uses the same settings
 * as the app (`DRGRADE_*`): in-process ONNX Runtime, or the GPU endpoint when `DRGRADE_INFERENCE_URL` is set.
 * Prints a JSON summary; exit 0 when nothing failed, 3 otherwise.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    connection: { type: 'string' },
    poisoned: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    prefix: { type: 'string', default: '' },
    concurrency: { type: 'string' },
    'model-dir': { type: 'string' },
    'inference-url': { type: 'string' },
    help: { type: 'boolean', default: false },
  }, false);
  if (values.help) {
    process.stdout.write(`drgrade ${summary}\n`);
    return 0;
  }
  if (values.poisoned && values.all) throw invalidArgument('--poisoned / --all', 'at most one of them', 'both');
  const connection = resolveConnection(values.connection);
  const base = readSettings(process.env);
  const settings: Settings = Object.freeze({
    ...base,
    storage: connection,
    ...(values['model-dir'] ? { modelDir: values['model-dir'] } : {}),
    ...(values['inference-url'] ? { inferenceUrl: values['inference-url'] } : {}),
  });
  const deps = { blobService: createBlobServiceClient(connection), settings, grade: gradeBytesFor(settings) };
  const options = { prefix: values.prefix, concurrency: intOption('concurrency', values.concurrency, 2) };
  try {
    const result = values.all ? await replayIncoming(deps, options) : await replayDeadLetters(deps, options);
    process.stdout.write(`${JSON.stringify({ mode: values.all ? 'all' : 'poisoned', ...result })}\n`);
    return result.failed === 0 ? 0 : 3;
  } finally {
    await closeSharedGraders();
  }
}

/**
 * `--connection` is either a connection string (it contains `=`) or the name of a storage connection setting in
 * the environment (`FundusStorage`, read like the host does, identity-based forms included). Default: FundusStorage.
 */
function resolveConnection(value: string | undefined): StorageConnection {
  if (value !== undefined && value.includes('=')) return { kind: 'connectionString', connectionString: value };
  const name = value ?? storageConnectionName;
  const connection = readStorageConnection(process.env, name);
  if (!connection) throw invalidArgument('--connection', `a connection string, or a setting name with ${name} or ${name}__serviceUri set`, value ?? name);
  return connection;
}
