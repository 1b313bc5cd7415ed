import { ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { TelemetryClient } from 'applicationinsights';
import type { DriftReport } from './computeDrift.js';
import { driftMetrics } from './driftMetrics.js';

/** Options of {@link emitDriftMetrics}. */
export interface EmitDriftMetricsOptions {
  /** `APPLICATIONINSIGHTS_CONNECTION_STRING`; `undefined` skips the metrics. */
  readonly connectionString: string | undefined;
  /**
   * `APPLICATIONINSIGHTS_AUTHENTICATION_STRING` (`Authorization=AAD[;ClientId=<id>]`): send with an Entra token of
   * that managed identity. @default undefined (no token: only for components that accept local auth, and tests)
   */
  readonly authentication?: string | undefined;
  /** @default a ManagedIdentityCredential built from `authentication` */
  readonly credential?: TokenCredential;
  /** Longest wait for the ingestion endpoint's answer. @default 10000 */
  readonly flushTimeoutMs?: number;
  /** Makes the SDK client (tests keep a reference to inspect it). @default `new TelemetryClient(connectionString)` */
  readonly createClient?: (connectionString: string) => TelemetryClient;
}

/** What {@link emitDriftMetrics} did. */
export type DriftMetricsOutcome =
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'sent' | 'timed-out'; readonly metrics: number; readonly response: string };

/**
 * Sends the drift reports' custom metrics (`driftMetrics`) to Application Insights with the classic SDK's
 * `TelemetryClient.trackMetric`, then flushes and waits for the ingestion answer. Only this client is created: no
 * auto-collection, live metrics or module patching (`setup().start()` is never called), and its SDK statsbeat is
 * switched off before any of its timers can fire. Never throws for telemetry: without a connection string, or
 * when the endpoint fails or is slow, the outcome says so and the caller logs it.
 */
export async function emitDriftMetrics(reports: readonly DriftReport[], options: EmitDriftMetricsOptions): Promise<DriftMetricsOutcome> {
  if (!options.connectionString) return { status: 'skipped', reason: 'no APPLICATIONINSIGHTS_CONNECTION_STRING: drift metrics not sent' };
  let client: TelemetryClient;
  try {
    client = (options.createClient ?? ((cs: string) => new TelemetryClient(cs)))(options.connectionString);
  } catch (error) {
    return { status: 'skipped', reason: `invalid APPLICATIONINSIGHTS_CONNECTION_STRING: ${error instanceof Error ? error.message : String(error)}` };
  }
  // Statsbeat would report SDK usage to Microsoft's own endpoints (and probe the instance metadata service).
  client.getStatsbeat()?.enable(false);
  client.config.disableStatsbeat = true;
  const credential = options.credential ?? aadCredential(options.authentication);
  if (credential) client.config.aadTokenCredential = credential;
  const metrics = reports.flatMap(driftMetrics);
  for (const m of metrics) client.trackMetric({ name: m.name, value: m.value, properties: { ...m.properties } });
  const timeoutMs = options.flushTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const answer = await Promise.race([
    new Promise<string>((resolve) => client.flush({ callback: (response: string) => resolve(response) })),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs))),
  ]);
  clearTimeout(timer);
  return answer === undefined
    ? { status: 'timed-out', metrics: metrics.length, response: `no answer from the ingestion endpoint within ${timeoutMs} ms` }
    : { status: 'sent', metrics: metrics.length, response: answer };
}

/** The managed identity `APPLICATIONINSIGHTS_AUTHENTICATION_STRING` names, or `undefined` without `Authorization=AAD`. */
function aadCredential(authentication: string | undefined): TokenCredential | undefined {
  if (!authentication) return undefined;
  const parts = new Map(
    authentication
      .split(';')
      .map((part) => part.split('=').map((s) => s.trim()))
      .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== '')
      .map(([k, v]) => [k.toLowerCase(), v]),
  );
  if (parts.get('authorization')?.toLowerCase() !== 'aad') return undefined;
  const clientId = parts.get('clientid');
  return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
}
