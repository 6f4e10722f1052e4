/**
 * The body of every refusal of the renewal service: `{ error: { code, detail } }`.
 *
 * Codes are catalogue codes, so the client can hand them to the holder unchanged.
 */
import { z } from 'zod';
import { errorCodes } from '../errors/catalogue.js';

export const serviceErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  }),
});
