import { describe, expect, it } from 'vitest';
import { containerLayout } from '../../../shared/storage/containerLayout.js';

describe('containerLayout', () => {
  it('mirrors a safe source path under the same relative path with one suffix per output', () => {
    expect(containerLayout.outputNames('clinic-7/2024/05/left eye ü.jpg')).toEqual({
      result: 'clinic-7/2024/05/left eye ü.jpg.result.json',
      annotated: 'clinic-7/2024/05/left eye ü.jpg.annotated.png',
      enhanced: 'clinic-7/2024/05/left eye ü.jpg.enhanced.png',
      report: 'clinic-7/2024/05/left eye ü.jpg.report.html',
      fhir: 'clinic-7/2024/05/left eye ü.jpg.fhir.json',
    });
  });

  it.each([
    ['a/../b.jpg'],
    ['../other/x.jpg'],
    ['./c.jpg'],
    ['d/.'],
    ['dir/'],
    ['e\\f.jpg'],
    ['tab\there.jpg'],
    ['nul\u0000.jpg'],
    ['lone\ud800surrogate.jpg'],
    [''],
    ['x'.repeat(1011)],
  ])('refuses to mirror %j', (name) => {
    expect(containerLayout.isSafeSourceName(name)).toBe(false);
    const names = containerLayout.outputNames(name);
    expect(names.result).toMatch(/^_unsafe-names\/[0-9a-f]{64}\.result\.json$/);
  });

  it.each([['plain.jpg'], ['a//b.jpg'], ['trailing.'], ['q?x#y%20.jpg'], ['..hidden/x..jpg'], ['x'.repeat(1010)]])('mirrors %j', (name) => {
    expect(containerLayout.isSafeSourceName(name)).toBe(true);
    expect(containerLayout.outputNames(name).result).toBe(`${name}.result.json`);
  });

  it('names control blobs by hash so listings reveal no names, distinct per path', () => {
    const a = containerLayout.lockName('clinic/patient-smith.jpg');
    expect(a).toMatch(/^locks\/[0-9a-f]{64}$/);
    expect(a).not.toContain('smith');
    expect(containerLayout.lockName('clinic/patient-smith.JPG')).not.toBe(a);
    expect(containerLayout.deadLetterName('x')).toMatch(/^dead-letter\/[0-9a-f]{64}\.json$/);
    expect(containerLayout.attemptsName('x')).toMatch(/^attempts\/[0-9a-f]{64}\.json$/);
    // Names differing only in unpaired surrogates must not share a control blob.
    expect(containerLayout.lockName('a\ud800')).not.toBe(containerLayout.lockName('a\ud801'));
  });

  it('never lets two different sources or two output kinds collide', () => {
    const sources = ['a.jpg', 'a.jpg.result.json', 'a.jpg.annotated.png', 'a', 'a.jpg.enhanced.png'];
    const all = sources.flatMap((s) => Object.values(containerLayout.outputNames(s)));
    expect(new Set(all).size).toBe(all.length);
  });
});
