import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when an `Authorization` header carries `Bearer <key>`. Both sides are hashed to fixed-length digests
 * first so that `timingSafeEqual` compares equal lengths and neither the key's content nor its length leaks
 * through timing.
 */
export function isAuthorized(authorization: string | undefined, key: string): boolean {
  if (authorization === undefined) return false;
  const match = /^Bearer[ \t]+(.+)$/i.exec(authorization.trim());
  const presented = match?.[1] ?? '';
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(key, 'utf8').digest();
  return timingSafeEqual(a, b) && presented.length > 0;
}
