import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../shared/image/detectFormat.js';

const b = (...v: number[]) => Uint8Array.from(v);

describe('detectFormat', () => {
  it('recognises supported containers by magic bytes', () => {
    expect(detectFormat(b(0xff, 0xd8, 0xff, 0xe0))).toEqual({ supported: true, format: 'jpeg' });
    expect(detectFormat(b(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toEqual({ supported: true, format: 'png' });
    expect(detectFormat(b(0x49, 0x49, 0x2a, 0x00))).toEqual({ supported: true, format: 'tiff' });
    expect(detectFormat(b(0x4d, 0x4d, 0x00, 0x2a))).toEqual({ supported: true, format: 'tiff' });
    expect(detectFormat(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toEqual({ supported: true, format: 'webp' });
  });
  it('names refused formats', () => {
    const t = (s: string) => detectFormat(new TextEncoder().encode(s)).format;
    expect(t('GIF89a')).toBe('gif');
    expect(t('%PDF-1.4')).toBe('pdf');
    expect(t('  <svg xmlns="x">')).toBe('svg');
    expect(t('\0\0\0\x18ftypheic')).toBe('heif');
    expect(t('\0\0\0\x18ftypavif')).toBe('avif');
    expect(t('BM....')).toBe('bmp');
    expect(t('hello world')).toBe('unknown');
    expect(detectFormat(new Uint8Array()).supported).toBe(false);
  });
});
