/**
 * The contract of the network path and of the tool's updates: the start-up checks, the manual
 * proxy ("Configura Proxy", "Test Proxy", "Salva") and the update offer.
 *
 * A proxy password travels only towards main (test, save); no answer carries it back, only
 * whether one is kept and how.
 */
import { z } from 'zod';
import { method, noArguments, wireErrorSchema } from './define.js';

/** Where the proxy in use came from; `none` means nobody named one. */
const proxySourceSchema = z.enum(['manual', 'system', 'environment', 'pac']);

/** How the tool reaches the renewal service. */
const networkRouteSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('direct'), source: z.union([proxySourceSchema, z.literal('none')]) }),
  z.object({ kind: z.literal('proxy'), source: proxySourceSchema, proxy: z.string(), authenticated: z.boolean() }),
]);
export type NetworkRoute = z.infer<typeof networkRouteSchema>;

/** The answer of the connectivity check: the service answered, or why not. */
const connectivityVerdictSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('online'), route: networkRouteSchema, elapsedMs: z.number().nonnegative() }),
  z.object({ status: z.literal('failed'), route: networkRouteSchema, error: wireErrorSchema, elapsedMs: z.number().nonnegative() }),
]);
export type ConnectivityVerdict = z.infer<typeof connectivityVerdictSchema>;

/** The tool's version against the update feed. An `outdated` tool may not renew. */
const versionVerdictSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('current'), current: z.string(), latest: z.string() }),
  z.object({
    status: z.literal('outdated'),
    current: z.string(),
    latest: z.string(),
    releaseNotes: z.string().nullable(),
    releaseDate: z.string().nullable(),
  }),
  z.object({ status: z.literal('unknown'), current: z.string(), error: wireErrorSchema }),
]);
export type VersionVerdict = z.infer<typeof versionVerdictSchema>;

const startupReportSchema = z.object({
  connectivity: connectivityVerdictSchema,
  version: versionVerdictSchema,
  /** True only when the service answered and the tool is the latest version. */
  canRenew: z.boolean(),
  checkedAt: z.iso.datetime({ offset: true }),
});
export type StartupReport = z.infer<typeof startupReportSchema>;

/**
 * A proxy's name or address. Office networks name hosts with underscores (proxy_01), which URLs,
 * undici and main's own check of a saved host (manual-proxy-settings.ts, usableHost) all take:
 * so does this rule, or "Salva" would refuse a proxy the rest of the tool can use.
 */
const proxyHostSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/, 'host name or address');

/** What the person types in "Configura Proxy". */
export const proxySettingsInputSchema = z.strictObject({
  host: proxyHostSchema,
  port: z.number().int().min(1).max(65535),
  username: z.string().max(256).optional(),
  password: z.string().max(1024).optional(),
  /** The password field was left untouched: use the one already saved for this proxy and user. */
  useSavedPassword: z.boolean().optional(),
});
export type ProxySettingsInput = z.infer<typeof proxySettingsInputSchema>;

/** Saved manual settings as the page may see them: never the password. */
export const proxySettingsViewSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  username: z.string().nullable(),
  hasPassword: z.boolean(),
});

/** How a saved proxy password is kept: encrypted by the OS, only until the tool closes, or not at all. */
export const passwordKeepingSchema = z.enum(['encrypted', 'session-only', 'none']);

const updateProgressSchema = z.object({
  percent: z.number().min(0).max(100),
  transferredBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative(),
});

/** The in-app update: electron-updater's steps, or `unsupported` outside the app (CLI, browser). */
const updateStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('idle') }),
  z.object({ status: z.literal('unsupported') }),
  z.object({ status: z.literal('downloading'), version: z.string().nullable(), progress: updateProgressSchema.nullable() }),
  z.object({ status: z.literal('downloaded'), version: z.string() }),
  z.object({ status: z.literal('failed'), error: wireErrorSchema }),
]);
export type UpdateState = z.infer<typeof updateStateSchema>;

export const networkMethods = {
  /** Runs the start-up checks again (connectivity and version, in parallel, each bounded). */
  'network.runChecks': method(noArguments, startupReportSchema),
  /** The saved manual proxy (without its password) and the route in use. */
  'network.getProxy': method(
    noArguments,
    z.object({ settings: proxySettingsViewSchema.nullable(), canStorePassword: z.boolean(), route: networkRouteSchema }),
  ),
  /** "Test Proxy": tries the service through these settings, saving nothing. */
  'network.testProxy': method(proxySettingsInputSchema, connectivityVerdictSchema),
  /** "Salva": keeps the settings (password encrypted, or only for this session) and uses them from now on. */
  'network.saveProxy': method(
    proxySettingsInputSchema,
    z.object({ settings: proxySettingsViewSchema, password: passwordKeepingSchema, route: networkRouteSchema }),
  ),
  /** Forgets the manual proxy: the automatic detection decides again. */
  'network.clearProxy': method(noArguments, z.object({ route: networkRouteSchema })),
  /** Reads the update feed and compares its version with the tool's. */
  'updates.check': method(noArguments, versionVerdictSchema),
  /** Downloads the newer version (in the app); progress arrives as `updates.progress`. */
  'updates.download': method(noArguments, updateStateSchema),
  /** Quits and installs the downloaded version; refused until the download is complete. */
  'updates.install': method(noArguments, updateStateSchema),
  'updates.getState': method(noArguments, updateStateSchema),
};

export const networkEvents = {
  /** A round of start-up checks finished (at start, on retry, after saving a proxy). */
  'network.checked': startupReportSchema,
  'updates.progress': updateProgressSchema,
  'updates.state': updateStateSchema,
};
