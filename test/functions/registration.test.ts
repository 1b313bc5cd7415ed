import { describe, expect, it } from 'vitest';
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';

describe('function modules', () => {
  it('register the blob trigger on the configured container through Event Grid with the FundusStorage connection', async () => {
    // The host loads modules with its app settings in the environment; settings are read once at load.
    process.env.DRGRADE_INCOMING_CONTAINER = 'partner-drop';
    const module = await import('../../functions/gradeIncomingBlob.js');
    expect(module.gradeIncomingBlobRegistration).toMatchObject({ path: 'partner-drop/{name}', connection: 'FundusStorage', source: 'EventGrid' });
    expect(module.gradeIncomingBlobRegistration.handler).toBe(module.gradeIncomingBlob);
  });

  it('load the HTTP functions, and openapi serves the document', async () => {
    const [{ gradeHttp }, { health }, { openapi }] = await Promise.all([import('../../functions/gradeHttp.js'), import('../../functions/health.js'), import('../../functions/openapi.js')]);
    expect(typeof gradeHttp).toBe('function');
    expect(typeof health).toBe('function');
    const response = new HttpResponse((await openapi()) as HttpResponseInit);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/grade');
    void HttpRequest;
    void InvocationContext;
  });
});
