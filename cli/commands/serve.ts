import { createGradeHttp } from '../../functions/gradeHttp.js';
import { createDriftHttp } from '../../functions/driftHttp.js';
import { createHealth } from '../../functions/health.js';
import { openapi } from '../../functions/openapi.js';
import { readSettings, type Settings } from '../../shared/config/settings.js';
import { serveHandlers } from '../../shared/http/serveHandlers.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { intOption, parseCli } from '../args.js';

/** One line for the help text. */
export const summary =
  'serve [--port <n>] [--host <addr>] [--model-dir <dir>] [--inference-url <url>]: the HTTP functions (POST /api/grade, GET /api/health, GET /api/openapi.json, GET /api/drift) on loopback, in-process inference by default';

/**
 * `drgrade serve`: runs the same handlers the function app registers, on node:http, with settings read from the
 * environment like the app (flags override a few). Prints `{"listening": url}` on stdout, logs JSON lines to
 * stderr, stops on SIGINT/SIGTERM. No function keys are checked: bind to loopback only.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCli(args, {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'model-dir': { type: 'string' },
    'inference-url': { type: 'string' },
    help: { type: 'boolean', default: false },
  }, false);
  if (values.help) {
    process.stdout.write(`drgrade ${summary}\n`);
    return 0;
  }
  const port = intOption('port', values.port, 7071, 0);
  const base = readSettings(process.env);
  const settings: Settings = Object.freeze({
    ...base,
    ...(values['model-dir'] ? { modelDir: values['model-dir'] } : {}),
    ...(values['inference-url'] ? { inferenceUrl: values['inference-url'] } : {}),
  });
  const server = await serveHandlers(
    [
      { method: 'POST', path: '/api/grade', functionName: 'gradeHttp', handler: createGradeHttp(settings) },
      { method: 'GET', path: '/api/health', functionName: 'health', handler: createHealth(settings) },
      { method: 'GET', path: '/api/openapi.json', functionName: 'openapi', handler: openapi },
      { method: 'GET', path: '/api/drift', functionName: 'driftHttp', handler: createDriftHttp(settings) },
    ],
    {
      port,
      host: values.host,
      // The transport cap sits above the photograph limit by the multipart allowance; the handler enforces the rest.
      maxBodyBytes: settings.maxImageBytes + 65_536,
      log: (level, functionName, args) => process.stderr.write(`${JSON.stringify({ level, function: functionName, message: args.map(String).join(' ') })}\n`),
    },
  );
  process.stdout.write(`${JSON.stringify({ listening: server.url })}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await closeSharedGraders();
  return 0;
}
