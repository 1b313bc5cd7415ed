import azureFunctions from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';
import { openApiDocument } from '../../shared/http/openApiDocument.js';

interface Registration {
  readonly route?: string;
  readonly authLevel?: string;
}

describe('HTTP function registrations (OWASP API2: broken authentication)', () => {
  it('every route but the health probe needs its function key, as the OpenAPI document says', async () => {
    const registered = new Map<string, Registration>();
    const spy = vi.spyOn(azureFunctions.app, 'http').mockImplementation((name: string, options: Registration) => void registered.set(name, options));
    try {
      vi.resetModules();
      await Promise.all([import('../../functions/gradeHttp.js'), import('../../functions/health.js'), import('../../functions/openapi.js')]);
    } finally {
      spy.mockRestore();
    }
    expect([...registered.keys()].sort()).toEqual(['gradeHttp', 'health', 'openapi']);
    for (const [name, options] of registered) {
      expect(options.authLevel, name).toBe(name === 'health' ? 'anonymous' : 'function');
      const path = openApiDocument.paths[`/api/${options.route}` as keyof typeof openApiDocument.paths] as Record<string, { security?: unknown[] }>;
      const operation = Object.values(path)[0]!;
      // An operation without its own `security` inherits the document's function key requirement.
      expect(operation.security === undefined ? openApiDocument.security : operation.security, name).toEqual(name === 'health' ? [] : [{ functionKey: [] }]);
    }
  });
});
