import { describe, expect, it } from 'vitest';
import { hashIdentifier } from '../../../shared/storage/hashIdentifier.js';

describe('hashIdentifier', () => {
  it('is a stable 16-hex-digit SHA-256 prefix that does not contain the identifier', () => {
    const h = hashIdentifier('clinic/jane-doe-left.jpg');
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(hashIdentifier('clinic/jane-doe-left.jpg')).toBe(h);
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2, B.1)
    expect(hashIdentifier('abc')).toBe('ba7816bf8f01cfea');
    expect(hashIdentifier('clinic/jane-doe-right.jpg')).not.toBe(h);
  });
});
