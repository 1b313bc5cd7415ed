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
  'bench serve --image <path> [--connections <n>] [--amount <requests>] [--url <running server>] [--json]: autocannon load test of POST /api/grade against `drgrade serve`';

/** The subset of autocannon's result this command reads. */
interface LoadResult {
  latency: { p50: number; p99: number; mean: number; max: number };
  requests: { sent: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  duration: number;
}

type Autocannon = (options: Record<string, unknown>) => Promise<LoadResult>;

const mediaTypes: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.tif': 'image/tiff', '.tiff': 'image/tiff', '.webp': 'image/webp' };

/**
 * `drgrade bench serve`: starts `drgrade serve` on an ephemeral port (same environment, so the same model and
 * settings) unless `--url` names a running one, then posts the photograph at `--image` (e.g. an IDRiD-sized
 * 4288 × 2848 or 1536 × 1020 fundus) with `--connections` concurrent connections (default 8) for `--amount`
 * requests, using autocannon (a dev dependency). Prints p50/p99 latency and error counts.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    image: { type: 'string' },
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
  const connections = intOption('connections', values.connections, 8);
  const amount = intOption('amount', values.amount, 5 * connections);
  const contentType = mediaTypes[extname(values.image).toLowerCase()];
  if (!contentType) throw invalidArgument('--image', 'a .jpg, .png, .tif or .webp file', extname(values.image));
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
      connections,
      amount,
      // Responses take seconds under load; autocannon's default 10 s timeout would count them as errors.
      timeout: 300,
    });
    const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
    const figures = {
      connections,
      requests: result.requests.sent,
      imageBytes: body.byteLength,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      meanMs: Math.round(result.latency.mean),
      maxMs: result.latency.max,
      errors: result.errors + result.timeouts + result.non2xx,
      transportErrors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      statusCodes,
      durationS: result.duration,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
    else process.stdout.write(`${connections} connections, ${figures.requests} requests of ${figures.imageBytes} bytes: p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, errors ${figures.errors}\n`);
    return figures.errors === 0 ? 0 : 3;
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
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
