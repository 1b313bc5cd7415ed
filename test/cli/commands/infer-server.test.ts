import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../cli/commands/infer-server.js';
import { isDrgradeError } from '../../../shared/errors.js';
import { tinyModelDir } from '../../fixtures/tiny-model/tinyModel.js';

/** Starts the command in-process, capturing stdout lines; `stop()` delivers SIGTERM to its handler. */
function start(args: string[]) {
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    for (const line of (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')).split('\n')) if (line) lines.push(line);
    waiters.splice(0).forEach((w) => w());
    return true;
  }) as typeof process.stdout.write;
  const stderrWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  const done = run(args).finally(() => {
    process.stdout.write = write;
    process.stderr.write = stderrWrite;
  });
  const line = async (key: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const found = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((m) => key in m);
      if (found) return found;
      await Promise.race([new Promise<void>((r) => waiters.push(r)), done]);
    }
  };
  return { done, line, stop: () => process.emit('SIGTERM') };
}

const savedKey = process.env.DRGRADE_INFERENCE_KEY;
afterEach(() => {
  if (savedKey === undefined) delete process.env.DRGRADE_INFERENCE_KEY;
  else process.env.DRGRADE_INFERENCE_KEY = savedKey;
});

const ortBin = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1'));
const cudaInstalled = existsSync(join(ortBin, 'libonnxruntime_providers_cuda.so'));

describe('drgrade infer-server', () => {
  it('prints the bound URL and readiness as JSON lines, serves, and stops cleanly on SIGTERM', async () => {
    const server = start(['--model', tinyModelDir, '--port', '0', '--no-auth', '--max-batch-size', '4', '--threads', '1']);
    const { listening } = await server.line('listening');
    expect(listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await server.line('ready')).toEqual({ ready: true, model: 'drgrade', version: '0.0.1', executionProvider: 'cpu' });
    const metadata = (await (await fetch(`${listening}/v2/models/drgrade`)).json()) as { parameters: Record<string, unknown> };
    expect(metadata.parameters.max_batch_size).toBe(4);
    server.stop();
    expect(await server.done).toBe(0);
    await expect(fetch(`${listening}/v2/health/live`)).rejects.toThrow();
  });

  it('requires the bearer key from DRGRADE_INFERENCE_KEY unless --no-auth', async () => {
    delete process.env.DRGRADE_INFERENCE_KEY;
    await expect(run(['--model', tinyModelDir, '--port', '0'])).rejects.toSatisfy(
      (e) => isDrgradeError(e, 'INVALID_ARGUMENT') && /for DRGRADE_INFERENCE_KEY/.test(e.message),
    );
    process.env.DRGRADE_INFERENCE_KEY = 'cli-key';
    const server = start(['--model', tinyModelDir, '--port', '0', '--threads', '1']);
    const { listening } = await server.line('listening');
    await server.line('ready');
    expect((await fetch(`${listening}/v2/models/drgrade`)).status).toBe(401);
    expect((await fetch(`${listening}/v2/models/drgrade`, { headers: { authorization: 'Bearer cli-key' } })).status).toBe(200);
    server.stop();
    expect(await server.done).toBe(0);
  });

  it.skipIf(cudaInstalled)("refuses to start with --provider cuda when CUDA cannot load", async () => {
    const server = start(['--model', tinyModelDir, '--port', '0', '--no-auth', '--provider', 'cuda']);
    await expect(server.done).rejects.toSatisfy((e) => isDrgradeError(e, 'EXECUTION_PROVIDER_UNAVAILABLE'));
  });

  it('rejects an unknown provider', async () => {
    await expect(run(['--provider', 'tpu', '--no-auth'])).rejects.toSatisfy((e) => isDrgradeError(e, 'INVALID_ARGUMENT') && /--provider/.test(e.message));
  });
});
