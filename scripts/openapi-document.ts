/**
 * The renewal service's OpenAPI document, built from the zod schemas the client and the lab
 * service both use (zod writes the JSON Schemas), so the document cannot drift from the code.
 * `npm run openapi` writes it to src/shared/service-api/openapi.json; a unit test fails when the
 * committed file is not what the schemas say.
 */
import { z } from 'zod';
import * as api from '../src/shared/service-api/index.js';

interface Operation {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly id: string;
  readonly summary: string;
  readonly request?: z.ZodType;
  readonly response: z.ZodType;
  readonly idempotent?: boolean;
  readonly status?: number;
  readonly yaml?: boolean;
}

const operations: readonly Operation[] = [
  { method: 'get', path: '/health', id: 'health', summary: 'Connectivity check.', response: api.healthResponseSchema },
  { method: 'post', path: '/challenge', id: 'createChallenge', summary: 'A fresh nonce to sign on the device (proof of possession).', request: api.challengeRequestSchema, response: api.challengeResponseSchema, status: 201 },
  {
    method: 'post',
    path: '/eligibility',
    id: 'checkEligibility',
    summary: 'Per certificate: renewable (price) or why not, and how far its renewal went; opens or resumes a renewal.',
    request: api.eligibilityRequestSchema,
    response: api.eligibilityResponseSchema,
  },
  { method: 'get', path: '/renewals/{renewalId}', id: 'renewalStatus', summary: 'The renewal as the service knows it: lines, payments with receipts, issued certificates.', response: api.renewalStatusSchema },
  {
    method: 'post',
    path: '/renewals/{renewalId}/payments',
    id: 'pay',
    summary: 'Holds the price of exactly the certificates named (account at once; card through a checkout page).',
    request: api.paymentRequestSchema,
    response: api.paymentStatusSchema,
    idempotent: true,
  },
  { method: 'post', path: '/renewals/{renewalId}/payment-check', id: 'checkPayment', summary: 'Would this account pay these certificates? Nothing is held.', request: api.paymentCheckRequestSchema, response: api.paymentCheckResponseSchema },
  { method: 'get', path: '/renewals/{renewalId}/payments/{paymentId}', id: 'payment', summary: 'A payment and its receipt as it stands (held, captured, released per certificate).', response: api.paymentStatusSchema },
  {
    method: 'post',
    path: '/renewals/{renewalId}/certificates/{certificateSerial}/issue',
    id: 'issue',
    summary: 'The renewed certificate for a CSR made on the device; captures its held price and says what it captured (on which payment, or none). Idempotent per CSR.',
    request: api.issuanceRequestSchema,
    response: api.issuanceResponseSchema,
    idempotent: true,
  },
  { method: 'post', path: '/renewals/{renewalId}/certificates/{certificateSerial}/delivered', id: 'delivered', summary: 'The renewed certificate is on the device and verified.', request: api.deliveryRequestSchema, response: api.certificateLineResponseSchema },
  {
    method: 'post',
    path: '/renewals/{renewalId}/certificates/{certificateSerial}/reject',
    id: 'reject',
    summary: 'The issued certificate failed the client\'s checks: it is revoked and its price refunded.',
    request: api.rejectionRequestSchema,
    response: api.certificateLineResponseSchema,
  },
  { method: 'get', path: '/updates/{channelFile}', id: 'updateFeed', summary: 'electron-updater\'s generic feed (YAML).', response: api.updateFeedSchema, yaml: true },
];

function schema(type: z.ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(type, { io, unrepresentable: 'any' });
}

function parameters(path: string, idempotent: boolean | undefined): unknown[] {
  const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
  const key = idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: true, description: 'Same key and same body: the first answer again. Same key, other body: IDEMPOTENCY_KEY_REUSED.', schema: { type: 'string', pattern: api.idempotencyKeyPattern.source } }] : [];
  return [...inPath, ...key];
}

export function openApiDocument(): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const entry = (paths[operation.path] ??= {});
    entry[operation.method] = {
      operationId: operation.id,
      summary: operation.summary,
      parameters: parameters(operation.path, operation.idempotent),
      ...(operation.request ? { requestBody: { required: true, content: { 'application/json': { schema: schema(operation.request, 'input') } } } } : {}),
      responses: {
        [String(operation.status ?? 200)]: {
          description: operation.summary,
          content: { [operation.yaml ? 'application/yaml' : 'application/json']: { schema: schema(operation.response, 'output') } },
        },
        default: { $ref: '#/components/responses/Refusal' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rinnovo CNS renewal service',
      version: '2.1.0',
      description:
        'Generated from src/shared/service-api (zod). Payments hold the price of the certificates they name; issuing a certificate captures its price, and its answer says what it captured; a rejected certificate is refunded and unissued holds are released. Every refusal is { error: { code, detail } } with a code of the tool\'s error catalogue.',
    },
    paths,
    components: {
      responses: {
        Refusal: { description: 'A refusal, with a catalogue code.', content: { 'application/json': { schema: schema(api.serviceErrorBodySchema, 'output') } } },
      },
    },
  };
}
