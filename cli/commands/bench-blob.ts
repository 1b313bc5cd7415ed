import { readSettings } from '../../shared/config/settings.js';
import { invalidArgument } from '../../shared/errors.js';
import { runBlobBench } from '../../shared/service/runBlobBench.js';
import { intOption, parseCli } from '../args.js';

/** One line for the help text. */
export const summary =
  'bench blob --count <n> [--concurrency <c>] [--faults] [--duplicates <rate>] [--width <px>] [--model-dir <dir>] [--json]: n photographs through in-memory Azurite and the blob handler';

/**
 * `drgrade bench blob`: starts an in-memory Azurite on an ephemeral port, uploads n synthetic photographs and runs
 * them through the blob trigger's core with at-least-once delivery (duplicates, platform-style redelivery,
 * dead-lettering, one replay pass). `--faults` puts a proxy before a real local inference server that resets,
 * stalls, answers 500 or garbage on part of the requests, and one before storage (Azurite on disk) that answers
 * 500/503, stalls, resets and drops answers, breaks source-lock leases just before commits, and stops and restarts
 * Azurite once mid-run. Prints uploaded, results, lost, duplicates, halfWritten, storageFaults (by kind),
 * imagesPerMinute, p95LatencyMs, peakRssMb, bytesReadPerPhotograph, decodesPerPhotograph (and more). Exit 0 when nothing was lost, duplicated or half-written, 3
 * otherwise.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    count: { type: 'string' },
    concurrency: { type: 'string' },
    faults: { type: 'boolean', default: false },
    duplicates: { type: 'string' },
    width: { type: 'string' },
    'model-dir': { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  }, false);
  if (values.help || values.count === undefined) {
    process.stdout.write(`drgrade ${summary}\n`);
    return values.help ? 0 : 1;
  }
  const duplicateRate = values.duplicates === undefined ? 0.1 : Number(values.duplicates);
  if (!(duplicateRate >= 0 && duplicateRate <= 1)) throw invalidArgument('--duplicates', 'a rate from 0 to 1', values.duplicates);
  const modelDir = values['model-dir'] ?? readSettings(process.env).modelDir;
  // Exit through process.exit on a signal so the in-memory Azurite child is stopped with us.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  const figures = await runBlobBench({
    count: intOption('count', values.count, 1),
    concurrency: intOption('concurrency', values.concurrency, 2),
    faults: values.faults,
    duplicateRate,
    width: intOption('width', values.width, 1024, 64),
    seed: intOption('seed', values.seed, 1, 0),
    ...(modelDir ? { modelDir } : {}),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  else {
    const { uploaded, results, lost, duplicates, halfWritten, deadLettered, replayed, imagesPerMinute, p50LatencyMs, p95LatencyMs, peakRssMb, storageFaults, bytesReadPerPhotograph, downloadsPerPhotograph, decodesPerPhotograph, photographBytes } = figures;
    const faults = storageFaults ? `; storage faults ${Object.entries(storageFaults).map(([kind, n]) => `${kind} ${n}`).join(', ')}` : '';
    process.stdout.write(`uploaded ${uploaded}, results ${results}, lost ${lost}, duplicates ${duplicates}, half-written ${halfWritten}, dead-lettered ${deadLettered} (replayed ${replayed}); ${imagesPerMinute} images/min, latency p50 ${p50LatencyMs} ms, p95 ${p95LatencyMs} ms; peak RSS ${peakRssMb} MB; per photograph ${bytesReadPerPhotograph} bytes read (${downloadsPerPhotograph} downloads of ${photographBytes} bytes), ${decodesPerPhotograph} decodes${faults}\n`);
  }
  return figures.lost === 0 && figures.duplicates === 0 && figures.halfWritten === 0 ? 0 : 3;
}
