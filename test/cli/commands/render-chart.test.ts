import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../cli/commands/render-chart.js';
import { isDrgradeError } from '../../../shared/errors.js';

const spec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: 'render-chart test',
  width: 200,
  height: 100,
  data: { values: [{ n: 10, error: 0.3 }, { n: 100, error: 0.15 }, { n: 1000, error: 0.1 }] },
  mark: 'point',
  encoding: { x: { field: 'n', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'error', type: 'quantitative' } },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drgrade-render-chart-'));
  await writeFile(join(dir, 'chart.vl.json'), JSON.stringify(spec));
  await writeFile(join(dir, 'remote.vl.json'), JSON.stringify({ ...spec, data: { url: 'https://example.org/data.csv' } }));
  await writeFile(join(dir, 'broken.vl.json'), '{"mark":');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('drgrade render-chart', () => {
  it('writes the SVG and a PNG at twice its nominal size', async () => {
    const svgPath = join(dir, 'out', 'chart.svg');
    const pngPath = join(dir, 'out', 'chart.png');
    expect(await run(['--spec', join(dir, 'chart.vl.json'), '--svg', svgPath, '--png', pngPath])).toBe(0);
    const svg = await readFile(svgPath, 'utf8');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('render-chart test');
    // One symbol per data point.
    expect(svg.match(/aria-roledescription="point"/g)).toHaveLength(3);
    const width = Number(/<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
    const meta = await sharp(await readFile(pngPath)).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(Math.round(width * 2));
  });

  it('writes only the SVG when no PNG is asked for', async () => {
    const svgPath = join(dir, 'only.svg');
    expect(await run(['--spec', join(dir, 'chart.vl.json'), '--svg', svgPath])).toBe(0);
    expect(await readFile(svgPath, 'utf8')).toMatch(/^<svg/);
  });

  it('refuses a spec that loads data from a url, a spec that does not parse and missing outputs', async () => {
    await expect(run(['--spec', join(dir, 'remote.vl.json'), '--svg', join(dir, 'r.svg')])).rejects.toSatisfy(
      (e) => isDrgradeError(e, 'INVALID_ARGUMENT') && /url/.test(e.message),
    );
    await expect(run(['--spec', join(dir, 'broken.vl.json'), '--svg', join(dir, 'b.svg')])).rejects.toSatisfy((e) => isDrgradeError(e, 'INVALID_ARGUMENT'));
    await expect(run(['--spec', join(dir, 'chart.vl.json')])).rejects.toSatisfy((e) => isDrgradeError(e, 'INVALID_ARGUMENT'));
    await expect(run(['--spec', join(dir, 'missing.vl.json'), '--svg', join(dir, 'm.svg')])).rejects.toSatisfy((e) => isDrgradeError(e, 'NOT_FOUND'));
  });
});
