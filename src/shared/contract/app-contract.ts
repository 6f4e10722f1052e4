import { z } from 'zod';
import { method } from './define.js';

export const localeSchema = z.enum(['it', 'en']);

/** How the renderer is connected to the main process. */
const transportKindSchema = z.enum(['electron', 'harness', 'cli']);

/**
 * Where the service, trust and card library settings came from: what the installed app ships,
 * the helpdesk's environment (an installed app started with --helpdesk: the window says so), or
 * the environment of a tool that is not installed (lab, CLI, harness).
 */
const configurationSourceSchema = z.enum(['shipped', 'helpdesk', 'environment']);

const appStatusSchema = z.object({
  productName: z.string(),
  version: z.string(),
  platform: z.string(),
  transport: transportKindSchema,
  configuration: configurationSourceSchema,
  locale: localeSchema,
  /** Where the holder gets the latest version and help, from the configuration. */
  help: z.object({ siteUrl: z.url({ protocol: /^https$/ }), phone: z.string().nullable() }),
});
export type AppStatus = z.infer<typeof appStatusSchema>;

export const appMethods = {
  /** Who we are: product, version, platform and the person's chosen language. */
  'app.getStatus': method(z.strictObject({}), appStatusSchema),
  /** Remember the person's language so every window and the next start use it. */
  'app.setLocale': method(z.strictObject({ locale: localeSchema }), z.object({ locale: localeSchema })),
};

export const appEvents = {
  /** The language changed in another window. */
  'app.localeChanged': z.object({ locale: localeSchema }),
};
