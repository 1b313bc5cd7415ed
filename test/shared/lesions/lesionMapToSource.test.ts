import { describe, expect, it } from 'vitest';
import { lesionMapToSource } from '../../../shared/lesions/lesionMapToSource.js';

describe('lesionMapToSource', () => {
  it('is the map × 255 where source and map pixels coincide (stride 1, identity transform)', () => {
    const maps = { width: 2, height: 2, stride: 1, maps: { EX: Float32Array.from([0, 0.5, 1, 0.2]) } };
    expect([...lesionMapToSource(maps, 'EX', { scale: 1, offsetX: 0, offsetY: 0 }, 2, 2)]).toEqual([0, 128, 255, 51]);
  });

  it('interpolates between map pixel centres and is 0 beyond the normalised image', () => {
    const maps = { width: 2, height: 1, stride: 2, maps: { MA: Float32Array.from([0, 1]) } };
    // Map pixel centres sit at normalised x = 0.5 and 2.5; the source is the normalised image shifted by 1 px.
    const out = lesionMapToSource(maps, 'MA', { scale: 1, offsetX: 1, offsetY: 0 }, 7, 1);
    // Source pixels 1–4 are normalised pixels 0–3; source 0 and 5–6 lie outside the normalised image.
    expect([...out]).toEqual([0, 0, 64, 191, 255, 0, 0]);
    expect([...lesionMapToSource(maps, 'HE', { scale: 1, offsetX: 0, offsetY: 0 }, 3, 1)]).toEqual([0, 0, 0]);
  });
});
