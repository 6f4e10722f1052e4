import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../scripts/openapi-document.js';

describe('the service API document', () => {
  it('is what the zod schemas say (run `npm run openapi` after changing them)', () => {
    const committed = JSON.parse(readFileSync(join(import.meta.dirname, '../../../src/shared/service-api/openapi.json'), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('names the certificates a payment is for, each at the price shown, and the idempotency key it needs', () => {
    const document = openApiDocument() as { paths: Record<string, { post?: { requestBody: { content: Record<string, { schema: { oneOf?: { required?: string[] }[]; anyOf?: { required?: string[] }[] } }> }; parameters: { name: string }[] } }> };
    const pay = document.paths['/renewals/{renewalId}/payments']?.post;
    const variants = pay?.requestBody.content['application/json']?.schema.oneOf ?? pay?.requestBody.content['application/json']?.schema.anyOf ?? [];
    expect(variants.length).toBe(2);
    for (const variant of variants) expect(variant.required).toContain('certificates');
    expect(pay?.parameters.map((parameter) => parameter.name)).toContain('Idempotency-Key');
  });
});
