import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type ClientRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { TelemetryClient } from 'applicationinsights';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSettings, settingNames } from '../../../shared/config/settings.js';
import type { DriftGroup, DriftReport, FeatureDrift } from '../../../shared/drift/computeDrift.js';
import { driftMetricNames, driftMetrics } from '../../../shared/drift/driftMetrics.js';
import { emitDriftMetrics } from '../../../shared/drift/emitDriftMetrics.js';

// The real applicationinsights SDK against a real loopback ingestion endpoint: what arrives is what Azure would get.

const dummyKey = '00000000-0000-4000-8000-000000000000';

const feature = (psi: number): FeatureDrift => ({ psi, test: 'kolmogorov-smirnov', statistic: 0.1, pValue: 0.5, mean: 1, referenceMean: 1 });

function group(key: string, n: number, alarm: boolean, psis: { qualityScore: number; meanLuminance: number; grade: number }): DriftGroup {
  return {
    key,
    n,
    ungradableRate: n === 0 ? 0 : 3 / n,
    rejectedRate: 0,
    referableRate: 0.25,
    gradeDistribution: [0.5, 0.25, 0.25, 0, 0],
    ungradableReasons: {},
    psi: Math.max(psis.qualityScore, psis.meanLuminance, psis.grade, 0.01),
    features: {
      qualityScore: feature(psis.qualityScore),
      imageSizePx: feature(0.01),
      meanLuminance: feature(psis.meanLuminance),
      redGreenRatio: feature(0.01),
      redBlueRatio: feature(0.01),
      grade: { ...feature(psis.grade), test: 'chi-square', mean: null, referenceMean: null },
    },
    alarm,
    alarmFeatures: alarm ? ['meanLuminance'] : [],
  };
}

function report(by: DriftReport['by'], groups: DriftGroup[]): DriftReport {
  return {
    by,
    createdAt: '2026-12-01T03:15:00.000Z',
    reference: { description: 'test', n: 104, model: null },
    thresholds: { minResults: 30, psi: 0.25, pValue: 0.01 },
    groups,
  };
}

const bySite = report('site', [group('site-a', 40, true, { qualityScore: 0.1, meanLuminance: 0.9, grade: 0.2 }), group('site-b', 12, false, { qualityScore: 0.3, meanLuminance: 0.05, grade: 0.1 })]);
const byCamera = report('camera', [group('Acme Optics FundusCam 9', 52, false, { qualityScore: 0.02, meanLuminance: 0.03, grade: 0.4 })]);

interface Envelope {
  readonly name: string;
  readonly iKey: string;
  readonly data: { readonly baseType: string; readonly baseData: { readonly metrics: { name: string; value: number }[]; readonly properties?: Record<string, string> } };
}

/** Ingestion endpoint on an ephemeral loopback port; answers like Breeze, or not at all when `silent`. */
async function startIngestion(silent = false): Promise<{ server: Server; url: string; posts: { path: string; authorization: string | undefined; envelopes: Envelope[] }[] }> {
  const posts: { path: string; authorization: string | undefined; envelopes: Envelope[] }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const envelopes = text.trim().startsWith('[') ? (JSON.parse(text) as Envelope[]) : text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Envelope);
      posts.push({ path: req.url ?? '', authorization: req.headers.authorization, envelopes });
      if (silent) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: envelopes.length, itemsAccepted: envelopes.length, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/`, posts };
}

describe('emitDriftMetrics', () => {
  const hosts: string[] = [];
  const onRequest = (message: unknown): void => {
    const request = (message as { request: ClientRequest }).request;
    hosts.push(request.host);
  };
  let server: Server | undefined;
  beforeEach(() => {
    hosts.length = 0;
    subscribe('http.client.request.start', onRequest);
  });
  afterEach(async () => {
    unsubscribe('http.client.request.start', onRequest);
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    }
  });

  it('turns a report into five metrics per group, the PSI naming its largest feature', () => {
    const metrics = driftMetrics(bySite);
    expect(metrics).toHaveLength(10);
    expect(metrics.slice(0, 5)).toEqual([
      { name: 'drgrade.drift.psi', value: 0.9, properties: { by: 'site', key: 'site-a', feature: 'meanLuminance' } },
      { name: 'drgrade.drift.ungradableRate', value: 3 / 40, properties: { by: 'site', key: 'site-a' } },
      { name: 'drgrade.drift.referableRate', value: 0.25, properties: { by: 'site', key: 'site-a' } },
      { name: 'drgrade.drift.n', value: 40, properties: { by: 'site', key: 'site-a' } },
      { name: 'drgrade.drift.alarm', value: 1, properties: { by: 'site', key: 'site-a' } },
    ]);
    expect(metrics[5]).toEqual({ name: 'drgrade.drift.psi', value: 0.3, properties: { by: 'site', key: 'site-b', feature: 'qualityScore' } });
    expect(metrics[9]).toEqual({ name: 'drgrade.drift.alarm', value: 0, properties: { by: 'site', key: 'site-b' } });
  });

  it('sends every metric with its dimensions to the ingestion endpoint of the connection string, and nowhere else', async () => {
    const ingestion = await startIngestion();
    server = ingestion.server;
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const clients: TelemetryClient[] = [];
    const outcome = await emitDriftMetrics([bySite, byCamera], {
      connectionString: `InstrumentationKey=${dummyKey};IngestionEndpoint=${ingestion.url}`,
      flushTimeoutMs: 5000,
      createClient: (cs) => {
        const client = new TelemetryClient(cs);
        clients.push(client);
        return client;
      },
    });
    expect(outcome).toMatchObject({ status: 'sent', metrics: 15 });
    expect(outcome.status === 'sent' && JSON.parse(outcome.response)).toMatchObject({ itemsAccepted: 15 });

    expect(ingestion.posts.map((p) => p.path)).toEqual(['/v2.1/track']);
    expect(ingestion.posts[0]!.authorization).toBeUndefined();
    const envelopes = ingestion.posts.flatMap((p) => p.envelopes);
    expect(envelopes).toHaveLength(15);
    for (const e of envelopes) {
      expect(e.iKey).toBe(dummyKey);
      expect(e.data.baseType).toBe('MetricData');
      expect(e.data.baseData.metrics).toHaveLength(1);
    }
    const arrived = envelopes.map((e) => ({ name: e.data.baseData.metrics[0]!.name, value: e.data.baseData.metrics[0]!.value, properties: e.data.baseData.properties }));
    expect(arrived).toEqual([...driftMetrics(bySite), ...driftMetrics(byCamera)]);
    expect(new Set(arrived.map((m) => m.name))).toEqual(new Set(Object.values(driftMetricNames)));
    expect(arrived.find((m) => m.name === 'drgrade.drift.psi' && m.properties?.by === 'camera')).toEqual({
      name: 'drgrade.drift.psi',
      value: 0.4,
      properties: { by: 'camera', key: 'Acme Optics FundusCam 9', feature: 'grade' },
    });
    // Only loopback was contacted (no statsbeat, live metrics or metadata probes), and no SDK timer outlives the call.
    expect(hosts.length).toBeGreaterThan(0);
    expect(new Set(hosts)).toEqual(new Set(['127.0.0.1']));
    // Statsbeat's timers are unref'd (they would not keep the process alive but would phone home after 15 s).
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(timersBefore);
    expect(clients).toHaveLength(1);
    expect(clients[0]!.getStatsbeat().isEnabled()).toBe(false);
    expect(clients[0]!.config.disableStatsbeat).toBe(true);
  });

  it('sends an Entra bearer token from the given credential (the component refuses local auth)', async () => {
    const ingestion = await startIngestion();
    server = ingestion.server;
    const scopes: string[] = [];
    const credential = {
      getToken: (scope: string | string[]) => {
        scopes.push(...[scope].flat());
        return Promise.resolve({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    };
    const outcome = await emitDriftMetrics([byCamera], { connectionString: `InstrumentationKey=${dummyKey};IngestionEndpoint=${ingestion.url}`, credential, flushTimeoutMs: 5000 });
    expect(outcome).toMatchObject({ status: 'sent', metrics: 5 });
    expect(scopes).toEqual([expect.stringMatching(/^https:\/\/monitor\.azure\.com\/+\.default$/)]);
    expect(ingestion.posts.map((p) => p.authorization)).toEqual(['Bearer test-token']);
    expect(new Set(hosts)).toEqual(new Set(['127.0.0.1']));
  });

  it('takes the connection and authentication from the standard app settings, read once', () => {
    const settings = readSettings({ [settingNames.applicationInsightsConnectionString]: ` InstrumentationKey=${dummyKey} `, [settingNames.applicationInsightsAuthentication]: 'Authorization=AAD' });
    expect(settingNames.applicationInsightsConnectionString).toBe('APPLICATIONINSIGHTS_CONNECTION_STRING');
    expect(settings.applicationInsightsConnectionString).toBe(`InstrumentationKey=${dummyKey}`);
    expect(settings.applicationInsightsAuthentication).toBe('Authorization=AAD');
    expect(readSettings({}).applicationInsightsConnectionString).toBeUndefined();
  });

  it('skips without a connection string, contacting nothing', async () => {
    expect(await emitDriftMetrics([bySite], { connectionString: undefined })).toEqual({ status: 'skipped', reason: expect.stringContaining('APPLICATIONINSIGHTS_CONNECTION_STRING') });
    expect(await emitDriftMetrics([bySite], { connectionString: 'Foo=bar' })).toMatchObject({ status: 'skipped' });
    expect(hosts).toEqual([]);
  });

  it('gives up after flushTimeoutMs when the endpoint never answers, without throwing', async () => {
    const ingestion = await startIngestion(true);
    server = ingestion.server;
    const outcome = await emitDriftMetrics([byCamera], { connectionString: `InstrumentationKey=${dummyKey};IngestionEndpoint=${ingestion.url}`, flushTimeoutMs: 300 });
    expect(outcome).toMatchObject({ status: 'timed-out', metrics: 5 });
    expect(ingestion.posts.flatMap((p) => p.envelopes)).toHaveLength(5);
    expect(new Set(hosts)).toEqual(new Set(['127.0.0.1']));
  });
});
