import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DrgradeError, invalidArgument } from '../../shared/errors.js';
import { intOption, parseCli } from '../args.js';

/** One line for the help text. */
export const summary =
  'bench serve --image <path> [--concurrency <n>] [--amount <requests>] [--url <loopback server>] [--json]: autocannon load test of POST /api/grade against `drgrade serve` (requests, ok, status503, status5xxOther, p50Ms, p99Ms, peakRssMb)';

/** Most concurrent connections and requests one run may use: the bench is a bounded local load, not a flood. */
const limits = { concurrency: 512, amount: 10_000 } as const;

/** The subset of autocannon's result this command reads. */
interface LoadResult {
  latency: { p50: number; p99: number; mean: number; max: number };
  requests: { sent: number };
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  duration: number;
}

type Autocannon = (options: Record<string, unknown>) => Promise<LoadResult>;

const mediaTypes: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.tif': 'image/tiff', '.tiff': 'image/tiff', '.webp': 'image/webp' };

/** The figures `drgrade bench serve --json` prints. */
export interface ServeBenchFigures {
  readonly concurrency: number;
  /** Requests answered or failed (the warm-up request is not counted). */
  readonly requests: number;
  /** 2xx answers. */
  readonly ok: number;
  /** 503 answers: the instance refusing work beyond its bound (SERVICE_OVERLOADED), with Retry-After. */
  readonly status503: number;
  /** 5xx answers other than 503: must be 0. */
  readonly status5xxOther: number;
  /** 4xx answers (none expected for a valid photograph). */
  readonly status4xx: number;
  /** Connection errors and timeouts. */
  readonly transportErrors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Peak resident memory (VmHWM) of the server process; `null` when it is not our child or the OS does not say. */
  readonly peakRssMb: number | null;
  readonly imageBytes: number;
  readonly statusCodes: Record<string, number>;
  readonly durationS: number;
}

/**
 * `drgrade bench serve`: starts `drgrade serve` on an ephemeral loopback port (same environment, so the same
 * model and settings, including `DRGRADE_MAX_CONCURRENT_ANALYSES` and `DRGRADE_ANALYSIS_QUEUE_SIZE`) unless
 * `--url` names a running loopback one, then posts the photograph at `--image` (e.g. an IDRiD-sized 4288 × 2848
 * fundus) from `--concurrency` connections (default 8, at most 512) for `--amount` requests (default 4 per
 * connection, at most 10 000), using autocannon (a dev dependency). Prints request counts by outcome, p50/p99
 * latency and the server's peak RSS. Exit 0 when no 5xx other than 503 and no transport error occurred, else 3.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    image: { type: 'string' },
    concurrency: { type: 'string' },
    connections: { type: 'string' },
    amount: { type: 'string' },
    url: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  }, false);
  if (values.help || !values.image) {
    process.stdout.write(`drgrade ${summary}\n`);
    return values.help ? 0 : 1;
  }
  // `--connections` is the older spelling of `--concurrency`.
  const concurrency = intOption('concurrency', values.concurrency ?? values.connections, 8);
  if (concurrency > limits.concurrency) throw invalidArgument('--concurrency', `at most ${limits.concurrency}`, concurrency);
  const amount = intOption('amount', values.amount, 4 * concurrency);
  if (amount > limits.amount) throw invalidArgument('--amount', `at most ${limits.amount}`, amount);
  const contentType = mediaTypes[extname(values.image).toLowerCase()];
  if (!contentType) throw invalidArgument('--image', 'a .jpg, .png, .tif or .webp file', extname(values.image));
  if (values.url !== undefined && !isLoopback(values.url)) throw invalidArgument('--url', 'a loopback URL (127.0.0.1, ::1 or localhost)', values.url);
  const body = await readFile(values.image);
  const autocannon = await loadAutocannon();

  let server: ChildProcess | undefined;
  let base = values.url;
  try {
    if (!base) ({ child: server, url: base } = await startServe());
    // Warm-up: the first request loads the model; it is not part of the figures.
    await fetch(`${base}/api/grade`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const result = await autocannon({
      url: `${base}/api/grade`,
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
      connections: concurrency,
      amount,
      // Queued requests take seconds under load; autocannon's default 10 s timeout would count them as errors.
      timeout: 300,
    });
    const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
    const count = (test: (status: number) => boolean) => Object.entries(statusCodes).reduce((sum, [code, n]) => sum + (test(Number(code)) ? n : 0), 0);
    const transportErrors = result.errors + result.timeouts;
    const figures: ServeBenchFigures = {
      concurrency,
      requests: count(() => true) + transportErrors,
      ok: count((s) => s >= 200 && s < 300),
      status503: count((s) => s === 503),
      status5xxOther: count((s) => s >= 500 && s !== 503),
      status4xx: count((s) => s >= 400 && s < 500),
      transportErrors,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      peakRssMb: server?.pid === undefined ? null : await peakRssMb(server.pid),
      imageBytes: body.byteLength,
      statusCodes,
      durationS: result.duration,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
    else {
      const { requests, ok, status503, status5xxOther, p50Ms, p99Ms } = figures;
      process.stdout.write(`${concurrency} connections, ${requests} requests of ${figures.imageBytes} bytes: ${ok} ok, ${status503} × 503, ${status5xxOther} other 5xx, ${transportErrors} transport errors; p50 ${p50Ms} ms, p99 ${p99Ms} ms; server peak RSS ${figures.peakRssMb ?? 'unknown'} MB\n`);
    }
    return figures.status5xxOther === 0 && transportErrors === 0 ? 0 : 3;
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  }
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** The kernel's high-water mark of a process's resident memory (Linux `VmHWM`), in MB; `null` elsewhere. */
async function peakRssMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 1024);
  } catch {
    return null;
  }
}

async function loadAutocannon(): Promise<Autocannon> {
  const name = 'autocannon';
  try {
    return ((await import(name)) as { default: Autocannon }).default;
  } catch (error) {
    throw new DrgradeError('NOT_FOUND', 'Expected the npm package autocannon (a dev dependency) for the load test but received none installed', { cause: error });
  }
}

/** Runs `drgrade serve --port 0` as a child and waits for its `{"listening": url}` line. */
async function startServe(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [launcherPath(), 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new DrgradeError('INTERNAL', `Expected drgrade serve to start but it exited with code ${code}`)));
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { listening?: string };
        if (parsed.listening) resolve(parsed.listening);
      } catch {
        // Not the listening line.
      }
    });
  });
  return { child, url };
}

/** `bin/drgrade.js` of this package, found from this module whether it runs from sources or from dist/. */
function launcherPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new DrgradeError('NOT_FOUND', 'Expected a package.json above the CLI for bin/drgrade.js but received none');
    dir = parent;
  }
  return join(dir, 'bin', 'drgrade.js');
}
