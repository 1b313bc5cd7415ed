import type { ContainerClient } from '@azure/storage-blob';
import type { GradeResult } from '../grading/GradeResult.js';
import { downloadBlob } from '../storage/downloadBlob.js';
import { storageStatusOf, toStorageError } from '../storage/toStorageError.js';
import { computeDrift, type DriftInput, type DriftReport } from './computeDrift.js';
import type { DriftReference } from './DriftReference.js';

/** What the daily drift run writes: both groupings, over one rolling window. */
export interface DailyDrift {
  readonly createdAt: string;
  readonly windowDays: number;
  /** Results in the window (after `maxResults`). */
  readonly results: number;
  readonly bySite: DriftReport;
  readonly byCamera: DriftReport;
}

/** Options of {@link DriftStore.runDaily}. */
export interface RunDailyOptions {
  /** Rolling window: results whose blob was written in the last this many days. @default 30 */
  windowDays?: number;
  /** Most results read per run (newest first). @default 20000 */
  maxResults?: number;
  now?: Date;
}

/** Where drift reports live in the results container (never under a site prefix). */
export const driftPrefix = '_drift/';

/**
 * The results container's drift side: reads the photograph results of a rolling window, computes drift by site
 * and by camera, and writes `_drift/<yyyy-mm-dd>.json` and `_drift/latest.json`.
 */
export class DriftStore {
  constructor(private readonly container: ContainerClient) {}

  /** Runs one daily drift computation and stores it. */
  async runDaily(reference: DriftReference, options: RunDailyOptions = {}): Promise<DailyDrift> {
    const now = options.now ?? new Date();
    const windowDays = options.windowDays ?? 30;
    const since = now.getTime() - windowDays * 86_400_000;
    const names: { name: string; modified: number }[] = [];
    try {
      for await (const blob of this.container.listBlobsFlat()) {
        const n = blob.name;
        if (!n.endsWith('.result.json') || n.endsWith('/exam.result.json') || n === 'exam.result.json' || n.startsWith(driftPrefix) || n.startsWith('_unsafe-names/')) continue;
        const modified = blob.properties.lastModified?.getTime() ?? 0;
        if (modified >= since) names.push({ name: n, modified });
      }
    } catch (error) {
      throw toStorageError(error, 'listing results for drift');
    }
    names.sort((a, b) => b.modified - a.modified);
    const inputs: DriftInput[] = [];
    for (const { name } of names.slice(0, options.maxResults ?? 20_000)) {
      try {
        const { bytes } = await downloadBlob(this.container.getBlobClient(name));
        const result = JSON.parse(bytes.toString('utf8')) as GradeResult;
        if (typeof result.status === 'string') inputs.push({ relativePath: name, result });
      } catch (error) {
        if (storageStatusOf(error) === 404 || error instanceof SyntaxError) continue; // retracted meanwhile, or foreign
        throw toStorageError(error, 'reading a result for drift');
      }
    }
    const drift: DailyDrift = {
      createdAt: now.toISOString(),
      windowDays,
      results: inputs.length,
      bySite: computeDrift(inputs, reference, { by: 'site' }, now),
      byCamera: computeDrift(inputs, reference, { by: 'camera' }, now),
    };
    const text = `${JSON.stringify(drift, null, 2)}\n`;
    try {
      for (const name of [`${driftPrefix}${now.toISOString().slice(0, 10)}.json`, `${driftPrefix}latest.json`]) {
        await this.container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'application/json' } });
      }
    } catch (error) {
      throw toStorageError(error, 'writing the drift report');
    }
    return drift;
  }

  /** The latest stored drift report, or `null` when none was written yet. */
  async latest(): Promise<DailyDrift | null> {
    try {
      const { bytes } = await downloadBlob(this.container.getBlobClient(`${driftPrefix}latest.json`));
      return JSON.parse(bytes.toString('utf8')) as DailyDrift;
    } catch (error) {
      if (storageStatusOf(error) === 404) return null;
      throw toStorageError(error, 'reading the latest drift report');
    }
  }
}
