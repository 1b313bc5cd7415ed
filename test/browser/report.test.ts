import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../shared/image/encodeImage.js';
import { renderBatchIndex } from '../../shared/report/renderBatchIndex.js';
import { renderReport } from '../../shared/report/renderReport.js';
import { rejectedResult, syntheticGradedResult, ungradableResult } from '../shared/report/reportFixture.js';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
/** Screenshots and pages stay here for people to look at (out/ is git-ignored). */
const outDir = resolve(import.meta.dirname, '..', '..', 'out', 'browser');
const layerIds = ['dark', 'bright', 'disc', 'fovea', 'macula'] as const;
if (!hasChromium) console.warn(`test/browser: ${chromiumPath} not found, so the browser tests are skipped (CI installs Debian 'chromium').`);

describe.skipIf(!hasChromium)(`report in headless Chromium${hasChromium ? '' : ` (SKIPPED: ${chromiumPath} not found; install the Debian package 'chromium')`}`, () => {
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const { fundus, result } = syntheticGradedResult({ seed: 31, width: 768, grade: 3 });
  const reportUrl = pathToFileURL(join(outDir, 'reports', 'synth_grade3.html')).href;
  const indexUrl = pathToFileURL(join(outDir, 'index.html')).href;

  beforeAll(async () => {
    await mkdir(join(outDir, 'reports'), { recursive: true });
    const image = { bytes: await encodePng(fundus.image), mimeType: 'image/png' as const };
    const imageSize = { width: fundus.image.width, height: fundus.image.height };
    await writeFile(join(outDir, 'reports', 'synth_grade3.html'), renderReport(result, { image, imageSize, title: 'synth_grade3.png', indexHref: '../index.html' }));
    await writeFile(join(outDir, 'reports', 'not a fundus.html'), renderReport(ungradableResult, { image, imageSize, title: 'not a fundus.jpg', indexHref: '../index.html' }));
    await writeFile(join(outDir, 'reports', 'broken.html'), renderReport(rejectedResult, { image: null, imageSize, title: 'broken.gif', indexHref: '../index.html' }));
    await writeFile(join(outDir, 'index.html'), renderBatchIndex([
      { name: 'synth_grade3.png', reportHref: 'reports/synth_grade3.html', result },
      { name: 'not a fundus.jpg', reportHref: 'reports/not%20a%20fundus.html', result: ungradableResult },
      { name: 'broken.gif', reportHref: 'reports/broken.html', result: rejectedResult },
    ]));

    userDataDir = await mkdtemp(join(tmpdir(), 'drgrade-chromium-'));
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('shows every layer at first and switches each one off and on again', async () => {
    await page.goto(reportUrl);
    for (const id of layerIds) {
      const layer = page.getByTestId(`layer-${id}`);
      const toggle = page.getByTestId(`toggle-${id}`);
      expect(await layer.isVisible(), `layer ${id} at start`).toBe(true);
      expect(await toggle.isChecked()).toBe(true);
      await page.locator(`label[for="toggle-${id}"]`).click();
      expect(await toggle.isChecked()).toBe(false);
      expect(await layer.isVisible(), `layer ${id} switched off`).toBe(false);
      // The other layers are untouched.
      for (const other of layerIds.filter((o) => o !== id)) expect(await page.getByTestId(`layer-${other}`).isVisible()).toBe(true);
      await page.locator(`label[for="toggle-${id}"]`).click();
      expect(await layer.isVisible(), `layer ${id} switched on again`).toBe(true);
    }
  });

  it('shows the grade and probabilities of the result JSON', async () => {
    await page.goto(reportUrl);
    const embedded = JSON.parse((await page.locator('#result-json').textContent()) ?? 'null');
    expect(embedded).toEqual(result);
    expect(await page.getByTestId('grade-value').textContent()).toBe(String(result.grading!.grade));
    expect(await page.getByTestId('probability-3').textContent()).toBe('60.0 %');
    expect(await page.getByTestId('referable-value').textContent()).toBe('Yes');
    expect(await page.getByTestId('disclaimer').textContent()).toContain('not for clinical diagnosis');
    const marks = await page.locator('#layer-dark circle').count();
    expect(marks).toBe(result.lesions.filter((l) => l.kind === 'dark').length);
  });

  it('renders the embedded photograph under the findings and saves screenshots (desktop and phone)', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(reportUrl);
    const shot = await page.locator('svg.figure').screenshot({ path: join(outDir, 'report-figure.png') });
    const { channels } = await sharp(shot).stats();
    // An orange-red retina: red clearly dominates green, which dominates blue.
    expect(channels[0]!.mean).toBeGreaterThan(channels[1]!.mean + 20);
    expect(channels[1]!.mean).toBeGreaterThan(channels[2]!.mean);
    await page.screenshot({ path: join(outDir, 'report.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(reportUrl);
    await page.screenshot({ path: join(outDir, 'report-phone.png'), fullPage: true });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    const figureWidth = await page.locator('svg.figure').evaluate((el) => el.getBoundingClientRect().width);
    expect(figureWidth).toBeLessThanOrEqual(390);
    expect(figureWidth).toBeGreaterThan(300);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('links every report from the batch index, and each report back to the index', async () => {
    await page.goto(indexUrl);
    const links = page.getByTestId('report-link');
    const count = await links.count();
    expect(count).toBe(3);
    const targets: { name: string; href: string }[] = [];
    for (let i = 0; i < count; i++) {
      targets.push({ name: (await links.nth(i).textContent())!, href: await links.nth(i).evaluate((a) => (a as unknown as { href: string }).href) });
    }
    for (const target of targets) {
      const response = await page.goto(target.href);
      expect(response === null || response.ok(), target.href).toBe(true);
      expect(await page.getByTestId('title').textContent()).toBe(target.name);
      await page.getByTestId('index-link').click();
      await page.waitForURL(indexUrl);
      expect(await page.getByTestId('report-link').count()).toBe(3);
    }
  });

  it('sorts the batch index by a column', async () => {
    await page.goto(indexUrl);
    const statuses = async () => page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(await statuses()).toEqual(['graded', 'ungradable', 'rejected']);
    await page.getByRole('button', { name: 'Grade' }).click();
    const ascending = await statuses();
    expect(ascending[2]).toBe('graded');
    await page.getByRole('button', { name: 'Grade' }).click();
    expect((await statuses())[0]).toBe('graded');
  });
});
