import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as grade } from '../../cli/commands/grade.js';
import { createGradeHttp } from '../../functions/gradeHttp.js';
import { createGradeIncomingBlob } from '../../functions/gradeIncomingBlob.js';
import { readSettings } from '../../shared/config/settings.js';
import { closeSharedGraders } from '../../shared/service/sharedGrader.js';
import { synthFundus } from '../../shared/synth/synthFundus.js';
import { tinyModelDir } from '../fixtures/tiny-model/tinyModel.js';
import { blobContext, testSettings, upload } from '../functions/blobTestKit.js';
import { startAzurite, type TestAzurite } from '../helpers/azurite.js';
import { embeddedImages, findPlanted, metadataContainers, plantedPhotographs, readTree, type PlantedPhotograph } from './plantedMetadata.js';

// Partners' photographs carry patient names and national IDs in their metadata. Each test input carries the
// planted name and ID in one container; no output of any path (files, HTTP answers, blobs) and no log line may
// repeat them, and no output image may carry a metadata container at all.

let photographs: PlantedPhotograph[];
let dir: string;
beforeAll(async () => {
  photographs = await plantedPhotographs(synthFundus({ seed: 21, width: 1024 }).image);
  dir = await mkdtemp(join(tmpdir(), 'drgrade-privacy-'));
});
afterAll(async () => {
  await closeSharedGraders();
  await rm(dir, { recursive: true, force: true });
});

/** Fails with the output's label and what was found, so a leak names its path. */
function expectClean(label: string, bytes: Uint8Array | string): void {
  expect(findPlanted(bytes), label).toEqual([]);
}

function expectCleanImage(label: string, image: Uint8Array): void {
  expectClean(label, image);
  expect(metadataContainers(image), `${label}: metadata containers`).toEqual([]);
}

describe('no patient data out', () => {
  it('the inputs really carry the planted name and ID, and decode as photographs', async () => {
    for (const p of photographs) {
      const meta = await sharp(p.bytes).metadata();
      const carriers = [p.bytes, meta.exif, meta.xmp, meta.icc, meta.comments?.map((c) => c.text).join(' ')].filter((x) => x !== undefined);
      expect(carriers.some((c) => findPlanted(c as Uint8Array | string).length > 0), p.container).toBe(true);
      expect(meta.width, p.container).toBe(1024);
    }
  });

  it('drgrade grade: no result JSON, annotated PNG, report HTML (with its embedded images), summary or index repeats them', async () => {
    const inputs = join(dir, 'in');
    const out = join(dir, 'out');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(inputs, { recursive: true });
    await Promise.all(photographs.map((p) => writeFile(join(inputs, p.fileName), p.bytes)));
    const written: string[] = [];
    const streams = [process.stdout, process.stderr] as const;
    const originals = streams.map((s) => s.write.bind(s));
    for (const s of streams) s.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof s.write;
    let code: number;
    try {
      code = await grade([inputs, '--out', out, '--model', tinyModelDir, '--concurrency', '1']);
    } finally {
      streams.forEach((s, i) => (s.write = originals[i]!));
    }
    expect(code).toBe(0);
    expectClean('console output', written.join(''));
    const files = await readTree(out);
    expect(files.filter((f) => f.path.endsWith('.result.json'))).toHaveLength(photographs.length);
    for (const file of files) {
      if (file.path.endsWith('.png') || file.path.endsWith('.jpg')) expectCleanImage(file.path, file.bytes);
      else expectClean(file.path, file.bytes);
      if (file.path.endsWith('.html')) for (const [i, image] of embeddedImages(file.bytes.toString('utf8')).entries()) expectCleanImage(`${file.path} image ${i}`, image);
      if (file.path.endsWith('.result.json')) expect(JSON.parse(file.bytes.toString('utf8')).status, file.path).not.toBe('rejected');
    }
    expect(files.filter((f) => f.path.endsWith('.annotated.png'))).toHaveLength(photographs.length);
  });

  it('POST /api/grade: no answer (result, annotated and enhanced PNGs) and no log line repeats them', async () => {
    const logs: string[] = [];
    const handler = createGradeHttp(readSettings({ DRGRADE_MODEL_DIR: tinyModelDir }));
    for (const p of photographs) {
      const request = new HttpRequest({ method: 'POST', url: 'http://localhost/api/grade?annotated=true&enhanced=true', headers: { 'content-type': 'image/jpeg' }, body: { bytes: p.bytes } });
      const context = new InvocationContext({ functionName: 'gradeHttp', invocationId: '9e0c7d52-0000-4000-8000-000000000015', logHandler: (level, ...args) => logs.push(`${level} ${args.map(String).join(' ')}`) });
      const response = new HttpResponse((await handler(request, context)) as HttpResponseInit);
      const text = await response.text();
      expect(response.status, p.container).toBe(200);
      expectClean(`${p.container}: answer`, text);
      const images = embeddedImages(text);
      expect(images, p.container).toHaveLength(2);
      for (const [i, image] of images.entries()) expectCleanImage(`${p.container}: image ${i}`, image);
    }
    expect(logs.length).toBeGreaterThan(0);
    expectClean('HTTP logs', logs.join('\n'));
  });

  describe('blob path', () => {
    let azurite: TestAzurite;
    beforeAll(async () => {
      azurite = await startAzurite();
    });
    afterAll(async () => {
      await azurite?.stop();
    });

    it('no result set blob (JSON, PNGs, report), dead letter or log line repeats them', async () => {
      const settings = testSettings(azurite.connectionString);
      await azurite.blobService.getContainerClient(settings.incomingContainer).create();
      const handler = createGradeIncomingBlob(settings, { blobService: azurite.blobService });
      const logs: string[] = [];
      for (const p of photographs) {
        const name = `clinic-7/${p.fileName}`;
        await upload(azurite.blobService, settings.incomingContainer, name, p.bytes);
        const { context, logs: lines } = blobContext(name, settings.incomingContainer);
        const outcome = (await handler(Buffer.alloc(0), context)) as { action: string };
        expect(outcome.action, p.container).toBe('written');
        logs.push(...lines);
      }
      expectClean('blob logs', logs.join('\n'));
      let blobs = 0;
      for await (const container of azurite.blobService.listContainers()) {
        if (container.name === settings.incomingContainer) continue;
        const client = azurite.blobService.getContainerClient(container.name);
        for await (const blob of client.listBlobsFlat({ includeMetadata: true })) {
          blobs++;
          const bytes = await client.getBlobClient(blob.name).downloadToBuffer();
          const label = `${container.name}/${blob.name}`;
          expectClean(`${label} metadata`, JSON.stringify(blob.metadata ?? {}));
          if (/\.(png|jpg)$/.test(blob.name)) expectCleanImage(label, bytes);
          else expectClean(label, bytes);
          if (blob.name.endsWith('.html')) for (const [i, image] of embeddedImages(bytes.toString('utf8')).entries()) expectCleanImage(`${label} image ${i}`, image);
        }
      }
      expect(blobs).toBeGreaterThanOrEqual(photographs.length * 4);
    });
  });
});
