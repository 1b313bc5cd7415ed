import { describe, expect, it } from 'vitest';
import { isAuthorized } from '../../../shared/inference/isAuthorized.js';

describe('isAuthorized', () => {
  it('accepts exactly "Bearer <key>"', () => {
    expect(isAuthorized('Bearer s3cret', 's3cret')).toBe(true);
    expect(isAuthorized('bearer s3cret', 's3cret')).toBe(true);
  });

  it('refuses anything else', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret', 's3cret']) {
      expect(isAuthorized(header, 's3cret')).toBe(false);
    }
    expect(isAuthorized('Bearer ', '')).toBe(false);
  });
});
