import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/config/settings.js';
import { createGradeIncomingBlob } from '../../functions/gradeIncomingBlob.js';
import { isDrgradeError } from '../../shared/errors.js';
import type { GradeBlobOutcome } from '../../shared/service/gradeBlob.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { containerLayout } from '../../shared/storage/containerLayout.js';
import { startAzurite, type TestAzurite } from '../helpers/azurite.js';
import { badInputs, hostileNames } from './badInputs.js';
import { blobContext, fingerprint, fundusJpeg, listNames, readResult, testSettings, upload } from './blobTestKit.js';

const inputs = await badInputs();

let azurite: TestAzurite;
let settings: Settings;
let handler: ReturnType<typeof createGradeIncomingBlob>;
const originals = new Map<string, { etag: string; sha256: string }>();
const seen: { kind: string; status: unknown; code: unknown }[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
  settings = testSettings(azurite.connectionString, { DRGRADE_MAX_PIXELS: '5000000', DRGRADE_MAX_IMAGE_BYTES: String(3 * 1024 * 1024) });
  handler = createGradeIncomingBlob(settings, { blobService: azurite.blobService });
  await azurite.blobService.getContainerClient(settings.incomingContainer).create();
  for (const input of inputs) originals.set(input.name, await upload(azurite.blobService, settings.incomingContainer, input.name, input.bytes, input.contentType));
  // A real photograph a dot-segment name would resolve to: it must not be read, graded or touched.
  originals.set('escape-target.jpg', await upload(azurite.blobService, settings.incomingContainer, 'escape-target.jpg', await fundusJpeg(3, 256)));
}, 300_000);
afterAll(async () => {
  console.log(seen.map((s) => `${s.kind}: ${String(s.status)}${s.code ? ` ${String(s.code)}` : ''}`).join('\n'));
  await closeSharedGraders();
  await azurite?.stop();
});

/** Delivers once; returns the outcome, or the error when it is transient (any other throw fails the test). */
async function deliverOnce(name: string, payload: Uint8Array): Promise<GradeBlobOutcome | 'transient'> {
  const { context, logs } = blobContext(name, settings.incomingContainer);
  try {
    return (await handler(payload, context)) as GradeBlobOutcome;
  } catch (error) {
    expect(isDrgradeError(error) && error.transient, `non-transient throw: ${String(error)}`).toBe(true);
    return 'transient';
  } finally {
    const joined = logs.join('\n');
    for (const part of name.split(/[/\\]/).filter((p) => p.length > 3)) expect(joined).not.toContain(part);
  }
}

describe('blob trigger with bad input', () => {
  it('has at least 30 kinds', () => {
    expect(inputs.length + hostileNames.length).toBeGreaterThanOrEqual(30);
  });

  it.each(inputs.map((input) => [input.kind, input] as const))('%s ends in exactly one result, original intact', async (kind, input) => {
    const outcome = await deliverOnce(input.name, input.bytes);
    if (outcome !== 'transient') {
      expect(outcome.action).toBe('written');
      const result = (await readResult(azurite.blobService, settings.resultsContainer, input.name))!;
      expect(['rejected', 'ungradable', 'graded']).toContain(result.status);
      expect(result.disclaimer).toBeTypeOf('string');
      if (result.status === 'rejected') expect((result.error as { code: string }).code).toMatch(/^[A-Z_]+$/);
      seen.push({ kind, status: result.status, code: (result.error as { code?: string } | undefined)?.code ?? (result.quality as { reasons?: string[] } | null)?.reasons?.join(',') });
      // Exactly one result JSON for this source, wherever its name maps.
      const resultName = containerLayout.outputNames(input.name).result;
      const slash = resultName.lastIndexOf('/');
      const siblings = (await listNames(azurite.blobService, settings.resultsContainer, resultName.slice(0, slash + 1))).filter((n) => n === resultName);
      expect(siblings).toHaveLength(1);
    } else {
      seen.push({ kind, status: 'transient', code: undefined });
    }
    expect(await fingerprint(azurite.blobService, settings.incomingContainer, input.name)).toEqual(originals.get(input.name));
    // A second delivery changes nothing.
    expect(await deliverOnce(input.name, input.bytes)).toMatchObject({ action: 'unchanged' });
  });

  it.each(hostileNames.map((n) => [n]))('the hostile name %j gets one rejected result under _unsafe-names and reaches nothing else', async (name) => {
    const payload = Buffer.from('payload of a hostile name');
    const outcome = await deliverOnce(name, payload);
    expect(outcome).toMatchObject({ action: 'written', status: 'rejected', code: 'INVALID_ARGUMENT' });
    const result = (await readResult(azurite.blobService, settings.resultsContainer, name))!;
    expect(containerLayout.outputNames(name).result).toMatch(/^_unsafe-names\/[0-9a-f]{64}\.result\.json$/);
    expect((result.provenance as { source: Record<string, unknown> }).source).toMatchObject({ contentLength: payload.byteLength });
    expect(await deliverOnce(name, payload)).toMatchObject({ action: 'unchanged' });
    seen.push({ kind: `hostile name ${JSON.stringify(name)}`, status: result.status, code: (result.error as { code: string }).code });
  });

  it('left every original as it was, graded nothing it was not given, and planted nothing outside the layout', async () => {
    for (const [name, before] of originals) expect(await fingerprint(azurite.blobService, settings.incomingContainer, name)).toEqual(before);
    expect(await listNames(azurite.blobService, settings.incomingContainer)).toEqual([...originals.keys()].sort());
    const results = await listNames(azurite.blobService, settings.resultsContainer);
    expect(results.filter((n) => n.startsWith('escape-target.jpg') || n.startsWith('planted.jpg'))).toEqual([]);
    const resultJsons = results.filter((n) => n.endsWith('.result.json'));
    expect(resultJsons).toHaveLength(inputs.length + hostileNames.length);
    const expected = new Set([...inputs.map((i) => i.name), ...hostileNames].flatMap((n) => Object.values(containerLayout.outputNames(n))));
    expect(results.filter((n) => !expected.has(n))).toEqual([]);
    expect(await listNames(azurite.blobService, 'fundus-results-planted')).toEqual([]);
  });
});
