import { errorCatalog } from '../errors.js';
import { researchDisclaimer } from '../grading/GradeResult.js';
import { gradeLabels } from '../grading/gradeTable.js';
import { problemType } from './problemResponse.js';

const problemRef = { $ref: '#/components/responses/Problem' } as const;

/**
 * The OpenAPI 3.1 description of the HTTP API, served at `GET /api/openapi.json`. Written by hand (the API is
 * small) from the same catalogue and tables the handlers use, so codes and labels cannot drift.
 */
export const openApiDocument = Object.freeze({
  openapi: '3.1.0',
  info: {
    title: 'drgrade API',
    version: '0.1.0',
    summary: 'Automated diabetic retinopathy grading of colour fundus photographs.',
    description: `${researchDisclaimer}\n\nErrors are RFC 9457 problem details (application/problem+json) with a stable \`code\`.`,
    license: { name: 'MIT', identifier: 'MIT' },
  },
  servers: [{ url: '/' }],
  security: [{ functionKey: [] }],
  paths: {
    '/api/grade': {
      post: {
        operationId: 'grade',
        summary: 'Grade one fundus photograph',
        description:
          'The body is the photograph (Content-Type image/jpeg, image/png, image/tiff, image/webp or application/dicom), or multipart/form-data with exactly one file part. ' +
          'An ungradable photograph is a 200 with status "ungradable"; input that is not a usable image is a problem response (refused DICOM: a DICOM_ code). ' +
          'With Accept: application/fhir+json the 200 body is the result as a FHIR R4 Bundle (docs/interoperability.md).',
        parameters: [
          { name: 'annotated', in: 'query', required: false, schema: { type: 'boolean', default: false }, description: 'Include the annotated image as a PNG data URI in images.annotated.' },
          { name: 'enhanced', in: 'query', required: false, schema: { type: 'boolean', default: false }, description: 'Include the contrast-enhanced image as a PNG data URI in images.enhanced.' },
          { name: 'operatingPoint', in: 'query', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' }, description: "Referable operating point by name (default: the model's default)." },
        ],
        requestBody: {
          required: true,
          content: {
            'image/*': { schema: { type: 'string', contentMediaType: 'image/*' } },
            'application/dicom': { schema: { type: 'string', contentMediaType: 'application/dicom' } },
            'multipart/form-data': {
              schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'image/*' } }, required: ['file'] },
            },
          },
        },
        responses: {
          '200': {
            description: 'Graded or ungradable.',
            headers: { 'Cache-Control': { schema: { type: 'string', const: 'no-store' } } },
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/GradeResponse' } },
              'application/fhir+json': { schema: { type: 'object', description: 'FHIR R4 Bundle (type collection): DiagnosticReport, Observations, Device.' } },
            },
          },
          '400': { ...problemRef, description: 'Empty, corrupt or too small image, or an invalid option.' },
          '401': { description: 'Missing or wrong function key (answered by the platform).' },
          '413': { ...problemRef, description: 'Over the byte or pixel limit.' },
          '415': { ...problemRef, description: 'Not an image media type or an unsupported image format.' },
          '500': { ...problemRef, description: 'Server-side fault (model missing or invalid, internal error).' },
          '502': { ...problemRef, description: 'The inference service answered with a malformed or rejected response.' },
          '503': { ...problemRef, description: 'Inference or storage unavailable; retry after Retry-After seconds.', headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } } },
          '504': { ...problemRef, description: 'The request deadline (DRGRADE_REQUEST_DEADLINE_MS, well under 230 s) passed.' },
        },
      },
    },
    '/api/health': {
      get: {
        operationId: 'health',
        summary: 'Storage and inference readiness',
        security: [],
        responses: {
          '200': { description: 'Ready.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
          '503': { description: 'Not ready.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
        },
      },
    },
    '/api/drift': {
      get: {
        operationId: 'drift',
        summary: 'The latest daily drift report, by site and by camera',
        responses: {
          '200': { description: 'Drift against the model\'s training data (docs/interoperability.md).', content: { 'application/json': { schema: { type: 'object' } } } },
          '401': { description: 'Missing or wrong function key (answered by the platform).' },
          '404': { ...problemRef, description: 'No drift report written yet.' },
        },
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'openApi',
        summary: 'This document (needs the function key: only the health probe is anonymous)',
        responses: {
          '200': { description: 'OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } },
          '401': { description: 'Missing or wrong function key (answered by the platform).' },
        },
      },
    },
  },
  components: {
    securitySchemes: {
      functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key', description: 'Function key (or the `code` query parameter).' },
    },
    responses: {
      Problem: {
        description: 'RFC 9457 problem details.',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail', 'code', 'transient'],
        properties: {
          type: { type: 'string', format: 'uri', enum: Object.keys(errorCatalog).map((code) => problemType(code as keyof typeof errorCatalog)) },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          instance: { type: 'string', format: 'uri' },
          code: { type: 'string', enum: Object.keys(errorCatalog) },
          transient: { type: 'boolean' },
        },
      },
      GradeResponse: {
        allOf: [
          { $ref: '#/components/schemas/GradeResult' },
          {
            type: 'object',
            properties: {
              images: {
                type: 'object',
                properties: {
                  annotated: { type: 'string', pattern: '^data:image/png;base64,' },
                  enhanced: { type: 'string', pattern: '^data:image/png;base64,' },
                },
              },
            },
          },
        ],
      },
      GradeResult: {
        type: 'object',
        required: ['status', 'disclaimer', 'grading', 'quality', 'fov', 'landmarks', 'lesions', 'provenance', 'timingsMs'],
        properties: {
          status: { type: 'string', enum: ['graded', 'ungradable', 'rejected'] },
          disclaimer: { type: 'string', const: researchDisclaimer },
          grading: {
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                required: ['grade', 'label', 'probabilities', 'referable', 'referableProbability', 'sightThreatening', 'sightThreateningProbability', 'operatingPoint'],
                properties: {
                  grade: { type: 'integer', minimum: 0, maximum: 4 },
                  label: { type: 'string', enum: [...gradeLabels] },
                  probabilities: { type: 'array', items: { type: 'number', minimum: 0, maximum: 1 }, minItems: 5, maxItems: 5 },
                  referable: { type: 'boolean' },
                  referableProbability: { type: 'number' },
                  sightThreatening: { type: 'boolean' },
                  sightThreateningProbability: { type: 'number' },
                  operatingPoint: { type: 'object', properties: { name: { type: 'string' }, threshold: { type: 'number' } } },
                  uncertainty: { type: 'object', properties: { referableSpread: { type: 'number', minimum: 0, maximum: 0.5 }, method: { type: 'string' } } },
                  combination: { type: 'string' },
                },
              },
            ],
          },
          quality: { type: ['object', 'null'] },
          fov: { type: ['object', 'null'] },
          landmarks: { type: ['object', 'null'] },
          lesions: { type: 'array', items: { type: 'object' } },
          dme: {
            description: "Risk of diabetic macular oedema (IDRiD's scale: 0 no hard exudates, 1 none within one disc diameter of the fovea, 2 within); null when not assessed",
            oneOf: [{ type: 'null' }, { type: 'object', required: ['risk', 'nearestExudateDiscDiameters'], properties: { risk: { type: 'integer', enum: [0, 1, 2] }, nearestExudateDiscDiameters: { type: ['number', 'null'] } } }],
          },
          provenance: { type: 'object' },
          timingsMs: { type: 'object', additionalProperties: { type: 'number' } },
          error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
      Health: {
        type: 'object',
        required: ['status', 'storage', 'inference'],
        properties: {
          status: { type: 'string', enum: ['ok', 'unavailable'] },
          storage: { type: 'object', properties: { configured: { type: 'boolean' }, ready: { type: 'boolean' } } },
          inference: { type: 'object', properties: { mode: { type: 'string', enum: ['remote', 'local'] }, ready: { type: 'boolean' }, model: { type: ['string', 'null'] } } },
          disclaimer: { type: 'string' },
        },
      },
    },
  },
});
