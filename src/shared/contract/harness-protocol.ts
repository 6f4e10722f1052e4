/**
 * Frames of the loopback harness transport (one WebSocket per page).
 *
 * The page sends calls; main answers each with the same result envelope Electron IPC carries and
 * pushes events. Frames are validated on both ends like any other boundary.
 */
import { z } from 'zod';

export const harnessCallFrameSchema = z.strictObject({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  request: z.unknown(),
});

export const harnessServerFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), result: z.unknown() }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type HarnessServerFrame = z.infer<typeof harnessServerFrameSchema>;

/** Path of the WebSocket endpoint, relative to the page (served at the harness's root). */
export const harnessSocketPath = 'rpc';
