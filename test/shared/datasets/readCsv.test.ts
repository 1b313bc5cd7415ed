import { describe, expect, it } from 'vitest';
import { fileStem, isImageFileName, readCsv } from '../../../shared/datasets/readCsv.js';

describe('readCsv and file names', () => {
  it('parses quoted fields, embedded commas and CRLF', () => {
    expect(readCsv('image,dr_grade_icdr\r\n"a,b.jpg",2\r\nc.jpg,0\r\n')).toEqual([{ image: 'a,b.jpg', dr_grade_icdr: '2' }, { image: 'c.jpg', dr_grade_icdr: '0' }]);
  });
  it('takes stems and recognises image extensions', () => {
    expect(fileStem('x/y/IDRiD_001.jpg')).toBe('IDRiD_001');
    expect(['a.JPG', 'b.jpeg', 'c.png', 'd.tif', 'e.tiff', 'f.webp'].every(isImageFileName)).toBe(true);
    expect(['a.gif', 'b.svg', 'labels.csv', 'jpg'].some(isImageFileName)).toBe(false);
  });
});
