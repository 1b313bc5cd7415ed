import { describe, expect, it } from 'vitest';
import { errorCatalog } from '../../../shared/errors.js';
import { openApiDocument } from '../../../shared/http/openApiDocument.js';
import { problemType } from '../../../shared/http/problemResponse.js';

/** Every `$ref` in the document. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('openApiDocument', () => {
  it('is OpenAPI 3.1 describing the four operations with their auth', () => {
    expect(openApiDocument.openapi).toBe('3.1.0');
    expect(Object.keys(openApiDocument.paths).sort()).toEqual(['/api/drift', '/api/grade', '/api/health', '/api/openapi.json']);
    expect(openApiDocument.security).toEqual([{ functionKey: [] }]);
    expect(openApiDocument.paths['/api/health'].get.security).toEqual([]);
    expect(Object.keys(openApiDocument.paths['/api/grade'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '413', '415', '503', '504']));
  });

  it('resolves every $ref inside the document', () => {
    for (const ref of refs(openApiDocument)) {
      const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], openApiDocument);
      expect(target, ref).toBeDefined();
    }
  });

  it('lists every catalogue code and problem type, and survives a JSON round trip', () => {
    const problem = JSON.parse(JSON.stringify(openApiDocument)).components.schemas.Problem;
    expect(problem.properties.code.enum).toEqual(Object.keys(errorCatalog));
    expect(problem.properties.type.enum).toContain(problemType('CORRUPT_IMAGE'));
  });
});
