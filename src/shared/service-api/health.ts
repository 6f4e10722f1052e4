/** `GET health`: the connectivity check of the startup checks. */
import { z } from 'zod';
import { isoDateTimeSchema } from './primitives.js';

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  /** The service's clock, so the tool can warn about a badly skewed local clock. */
  time: isoDateTimeSchema.optional(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;
