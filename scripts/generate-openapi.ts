/** Writes the service API's OpenAPI document from the zod schemas (see openapi-document.ts). */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from './openapi-document.js';

writeFileSync(new URL('../src/shared/service-api/openapi.json', import.meta.url), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
