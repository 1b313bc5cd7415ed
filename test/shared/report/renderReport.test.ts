import { describe, expect, it } from 'vitest';
import { researchDisclaimer } from '../../../shared/grading/GradeResult.js';
import { renderReport } from '../../../shared/report/renderReport.js';
import { rejectedResult, syntheticGradedResult, ungradableResult } from './reportFixture.js';

const png = { bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mimeType: 'image/png' as const };

/** The inner markup of the SVG group with the given id. */
function layer(html: string, id: string): string {
  const match = new RegExp(`<g id="layer-${id}"[^>]*>(.*?)</g>`, 's').exec(html);
  if (!match) throw new Error(`no layer ${id}`);
  return match[1]!;
}

describe('renderReport', () => {
  const { result } = syntheticGradedResult({ seed: 21, width: 400, grade: 3 });

  it('draws one mark per finding in its layer, with a toggle for each layer', () => {
    const html = renderReport(result, { image: png, imageSize: { width: 400, height: 300 } });
    const dark = result.lesions.filter((l) => l.kind === 'dark').length;
    const bright = result.lesions.length - dark;
    expect(dark).toBeGreaterThan(0);
    expect(bright).toBeGreaterThan(0);
    expect(layer(html, 'dark').match(/<circle /g)).toHaveLength(dark);
    expect(layer(html, 'bright').match(/<rect /g)).toHaveLength(bright);
    expect(layer(html, 'disc').match(/<circle /g)).toHaveLength(1);
    expect(layer(html, 'fovea').match(/<path /g)).toHaveLength(1);
    expect(layer(html, 'macula').match(/<circle /g)).toHaveLength(1);
    for (const id of ['dark', 'bright', 'disc', 'fovea', 'macula']) expect(html).toContain(`id="toggle-${id}" data-testid="toggle-${id}"`);
  });

  it('maps source pixels to the embedded image by its size', () => {
    const disc = result.landmarks!.opticDisc!;
    const html = renderReport(result, { image: png, imageSize: { width: 100, height: 75 }, sourceSize: { width: 400, height: 300 } });
    const circle = /<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"/.exec(layer(html, 'disc'))!;
    expect(Number(circle[1])).toBeCloseTo(disc.x / 4, 1);
    expect(Number(circle[2])).toBeCloseTo(disc.y / 4, 1);
    expect(Number(circle[3])).toBeCloseTo(disc.radius / 4, 1);
    expect(html).toContain('viewBox="0 0 100 75"');
    // Macula circle: 2 disc diameters by default, 3 when asked.
    const macula = (h: string) => Number(/r="([\d.]+)"/.exec(layer(h, 'macula'))![1]);
    expect(macula(html)).toBeCloseTo((4 * disc.radius) / 4, 1);
    expect(macula(renderReport(result, { image: png, imageSize: { width: 400, height: 300 }, maculaDiscDiameters: 3 }))).toBeCloseTo(6 * disc.radius, 1);
  });

  it('shows the grade, calibrated probabilities, decisions, quality, provenance and the disclaimer', () => {
    const html = renderReport(result, { image: png, imageSize: { width: 400, height: 300 }, title: 'IDRiD_001.jpg', indexHref: '../index.html' });
    expect(html).toContain('<span class="grade" data-testid="grade-value">3</span>');
    expect(html).toContain('data-testid="probability-3">60.0 %');
    expect(html).toMatch(/data-testid="referable-value">Yes/);
    expect(html).toMatch(/data-testid="sight-threatening-value">Yes/);
    expect(html).toContain('Uneven illumination');
    expect(html).toContain('drgrade-test 0.0.1');
    expect(html).toContain(researchDisclaimer);
    expect(html).toContain('href="../index.html"');
    expect(html).toContain(`data:image/png;base64,${Buffer.from(png.bytes).toString('base64')}`);
  });

  it('has no external assets', () => {
    const html = renderReport(result, { image: png, imageSize: { width: 400, height: 300 } });
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('explains ungradable and rejected results, escaping their text, and keeps the JSON parseable', () => {
    const ungradable = renderReport(ungradableResult, { image: png, imageSize: { width: 10, height: 10 } });
    expect(ungradable).toContain('data-testid="status-value">ungradable');
    expect(ungradable).toContain('Not a fundus photograph');
    expect(ungradable).not.toContain('data-testid="grade-value"');
    const rejected = renderReport(rejectedResult, { image: null, imageSize: { width: 10, height: 10 } });
    expect(rejected).toContain('UNSUPPORTED_FORMAT');
    expect(rejected).toContain('&quot;&lt;svg&gt;&lt;/script&gt;&quot;');
    const json = /<script type="application\/json" id="result-json">(.*?)<\/script>/s.exec(rejected)![1]!;
    expect(JSON.parse(json)).toEqual(rejectedResult);
  });

  it('refuses an empty image size', () => {
    expect(() => renderReport(result, { image: png, imageSize: { width: 0, height: 10 } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
