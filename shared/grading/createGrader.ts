import type { Settings } from '../config/settings.js';
import { defaultModelDir } from './defaultModelDir.js';
import type { Grader } from './Grader.js';
import { readModelManifest } from './loadModel.js';
import { OrtGrader } from './OrtGrader.js';
import { RemoteGrader } from './RemoteGrader.js';

/** The settings {@link createGrader} reads. */
export type GraderSettings = Pick<Settings, 'inferenceUrl' | 'inferenceKey' | 'inferenceTimeoutMs' | 'modelName' | 'modelDir' | 'executionProvider'>;

/** Options of {@link createGrader}. */
export interface CreateGraderOptions {
  /** Structured log sink (model loaded, provider in use). @default no logging */
  readonly log?: (entry: Record<string, unknown>) => void;
}

/**
 * Settings → grader. With `inferenceUrl`: a {@link RemoteGrader} on that Open Inference Protocol server, checked
 * against the manifest in `modelDir` when one is set (needed for servers that do not publish the manifest), else
 * against the manifest the server publishes. Without: an in-process {@link OrtGrader} on `modelDir`, or the
 * shipped default model, on `executionProvider`.
 */
export async function createGrader(settings: GraderSettings, options: CreateGraderOptions = {}): Promise<Grader> {
  if (settings.inferenceUrl !== undefined) {
    const manifest = settings.modelDir === undefined ? undefined : await readModelManifest(settings.modelDir);
    const grader = await RemoteGrader.create({
      url: settings.inferenceUrl,
      modelName: settings.modelName,
      timeoutMs: settings.inferenceTimeoutMs,
      ...(settings.inferenceKey === undefined ? {} : { key: settings.inferenceKey }),
      ...(manifest === undefined ? {} : { manifest }),
    });
    options.log?.({ event: 'grader_created', kind: 'remote', model: grader.manifest.name, version: grader.manifest.version });
    return grader;
  }
  return OrtGrader.create(settings.modelDir ?? defaultModelDir(), {
    executionProvider: settings.executionProvider,
    ...(options.log ? { log: options.log } : {}),
  });
}
