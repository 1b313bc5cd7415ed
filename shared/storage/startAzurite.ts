import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DrgradeError } from '../errors.js';

/** Azurite's documented development account (public, not a secret). */
const devAccount = 'devstoreaccount1';
const devKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A running Azurite blob service. */
export interface AzuriteBlob {
  readonly port: number;
  readonly blobEndpoint: string;
  /** Connection string for the development account on this instance. */
  readonly connectionString: string;
  /**
   * Stops the process (SIGTERM, as an outage would) and starts it again on the same port and folder; with disk
   * persistence the blobs, metadata and leases survive. `downMs` is how long it stays down. @default 0
   */
  restart(downMs?: number): Promise<void>;
  /** Stops the process and removes its working folder. */
  stop(): Promise<void>;
}

/** Options of {@link startAzurite}. */
export interface StartAzuriteOptions {
  /** How long to wait for Azurite to listen. @default 30000 */
  startTimeoutMs?: number;
  /** `disk` keeps data in the working folder so it survives {@link AzuriteBlob.restart}. @default 'memory' */
  persistence?: 'memory' | 'disk';
}

/**
 * Starts the npm `azurite` blob service (a dev dependency) in memory (or on disk) on an ephemeral loopback port and
 * resolves once it listens. Used by the tests and `drgrade bench blob`; never by the function app.
 */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<AzuriteBlob> {
  let main: string;
  try {
    main = join(dirname(createRequire(import.meta.url).resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  } catch (error) {
    throw new DrgradeError('NOT_FOUND', 'Expected the npm package azurite (a dev dependency) for the local blob service but received none installed', { cause: error });
  }
  const location = mkdtempSync(join(tmpdir(), 'drgrade-azurite-'));
  const launch = (port: number) => spawnAzurite(main, location, port, options);
  const first = await launch(0);
  const port = first.port;
  let child = first.child;
  // An emulator must not outlive the process that started it (a killed bench, a crashed test run).
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const blobEndpoint = `http://127.0.0.1:${port}/${devAccount}`;
  return {
    port,
    blobEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${devAccount};AccountKey=${devKey};BlobEndpoint=${blobEndpoint};`,
    restart: async (downMs = 0) => {
      await stopChild(child);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      ({ child } = await launch(port));
    },
    stop: async () => {
      process.off('exit', killOnExit);
      await stopChild(child);
      rmSync(location, { recursive: true, force: true });
    },
  };
}

/** Spawns Azurite in `location` on `port` (0 = ephemeral) and resolves with the port it listens on. */
async function spawnAzurite(main: string, location: string, requestedPort: number, options: StartAzuriteOptions): Promise<{ child: ChildProcess; port: number }> {
  const persistence = options.persistence === 'disk' ? ['--location', location] : ['--inMemoryPersistence'];
  const child = spawn(
    process.execPath,
    [main, ...persistence, '--blobHost', '127.0.0.1', '--blobPort', String(requestedPort), '--skipApiVersionCheck', '--loose', '--silent', '--disableProductStyleUrl'],
    // Run in a scratch folder: Azurite may still write small files (debug logs, certificates) to its cwd.
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: location },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`Azurite did not listen within ${options.startTimeoutMs ?? 30_000} ms: ${output.slice(-500)}`)), options.startTimeoutMs ?? 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listens on https?:\/\/[^:\s]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => fail(new Error(`Azurite exited with code ${code}: ${output.slice(-500)}`)));
  });
  // Keep draining so a chatty Azurite never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return { child, port };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
