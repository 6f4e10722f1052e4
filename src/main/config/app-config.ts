/**
 * Where the tool finds its service, its data folder, its card software and its trust anchors.
 *
 * Read from the environment (and the CLI's flags, which set the same names), so the app, the CLI
 * and the harness are pointed at the lab or at production the same way, with no test-only path.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const defaultServiceUrl = 'https://rinnovo.card.infocamere.it/api/v1/';

const configSchema = z.object({
  dataDir: z.string().min(1),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  updateFeedUrl: z.url({ protocol: /^https?$/ }),
  caBundlePath: z.string().min(1).optional(),
  /**
   * The Chamber of Commerce CAs (PEM bundle) a renewed certificate must chain to before it is
   * written to the card. Without it no renewed certificate is accepted.
   */
  chamberCaBundlePath: z.string().min(1).optional(),
  pkcs11Module: z.string().min(1).optional(),
  pacUrl: z.url().optional(),
  /** How long the tool watches a card payment before saying it is not completed yet. */
  cardWaitSeconds: z.coerce.number().int().min(1).max(3600).default(900),
  version: z.string().min(1),
});

export type AppConfig = z.infer<typeof configSchema>;

export interface ConfigDefaults {
  readonly version: string;
  readonly platform?: NodeJS.Platform;
  readonly home?: string;
}

export function loadAppConfig(env: NodeJS.ProcessEnv, defaults: ConfigDefaults): AppConfig {
  const serviceUrl = withTrailingSlash(env.RINNOVO_SERVICE_URL ?? defaultServiceUrl);
  return configSchema.parse({
    dataDir: env.RINNOVO_DATA_DIR ?? defaultDataDir(defaults.platform ?? process.platform, defaults.home ?? homedir(), env),
    serviceUrl,
    updateFeedUrl: withTrailingSlash(env.RINNOVO_UPDATE_FEED_URL ?? new URL('updates/', serviceUrl).toString()),
    caBundlePath: env.RINNOVO_CA_BUNDLE || undefined,
    chamberCaBundlePath: env.RINNOVO_CHAMBER_CAS || undefined,
    pkcs11Module: env.RINNOVO_PKCS11_MODULE || undefined,
    pacUrl: env.RINNOVO_PAC_URL || undefined,
    cardWaitSeconds: env.RINNOVO_CARD_WAIT_SECONDS || undefined,
    version: defaults.version,
  });
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The per-user data folder Electron would choose (`app.getPath('userData')`), computed without Electron. */
function defaultDataDir(platform: NodeJS.Platform, home: string, env: NodeJS.ProcessEnv): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Rinnovo CNS');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Rinnovo CNS');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'rinnovo-cns');
}
