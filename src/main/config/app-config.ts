/**
 * Where the tool finds its service, its data folder, its card software and its trust anchors.
 *
 * Outside the installed app (the CLI, the harness, `electron .` from a checkout) they come from
 * the environment (and the CLI's flags, which set the same names), so the app, the CLI and the
 * harness are pointed at the lab or at production the same way, with no test-only path.
 *
 * The installed app (Electron's `app.isPackaged`, handed in by the host) is locked: the service,
 * the update feed, the CA bundle, the Chamber of Commerce CAs and the card library come from what
 * it ships (shipped-config.ts), and every RINNOVO_* variable is ignored — a foreign service or a
 * cleartext Telemaco password must not be one environment variable away. The helpdesk unlocks
 * it with `--helpdesk` on the command line, never silently: the window's footer then says
 * "Modalità assistenza". Even then an installed app talks https only.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors/app-error.js';
import { helpdeskSwitch, shippedConfiguration } from './shipped-config.js';


/** Where the configuration came from: shown to the holder when it is the helpdesk's. */
type ConfigurationSource = 'environment' | 'shipped' | 'helpdesk';

/**
 * Credentials never travel in a configured address (proxy credentials go in their own fields, as
 * a header): undici ignores them, and the support bundle would carry them.
 */
const withoutCredentials = (text: string) => {
  const parsed = URL.parse(text);
  return !parsed || (parsed.username === '' && parsed.password === '');
};
const anyWebUrl = z.url({ protocol: /^https?$/ }).refine(withoutCredentials, 'no credentials in the address');
const httpsUrl = z.url({ protocol: /^https$/ }).refine(withoutCredentials, 'no credentials in the address');

function configSchema(https: boolean) {
  const url = https ? httpsUrl : anyWebUrl;
  return z.object({
    source: z.enum(['environment', 'shipped', 'helpdesk']),
    dataDir: z.string().min(1),
    serviceUrl: url,
    updateFeedUrl: url,
    caBundlePath: z.string().min(1).optional(),
    /**
     * The Chamber of Commerce CAs (PEM bundle) a renewed certificate must chain to before it is
     * written to the card. Without it no renewed certificate is accepted.
     */
    chamberCaBundlePath: z.string().min(1).optional(),
    pkcs11Module: z.string().min(1).optional(),
    pacUrl: z.url().refine(withoutCredentials, 'no credentials in the address').optional(),
    /** How long the tool watches a card payment before saying it is not completed yet. */
    cardWaitSeconds: z.coerce.number().int().min(1).max(3600).default(900),
    /**
     * `off`: each new pair is made only at its certificate's turn (keys-ahead.ts), to see each
     * certificate's card work apart when the helpdesk reproduces a holder's report.
     */
    keysAhead: z.enum(['on', 'off']).default('on'),
    /** The site the window links to for the latest version and for help (always https: the holder opens it). */
    helpSiteUrl: httpsUrl,
    /** The call center the window names for help, when the Chamber has one. */
    helpPhone: z.string().regex(/^[0-9 +()/.-]{3,32}$/).optional(),
    version: z.string().min(1),
  });
}

export type AppConfig = z.infer<ReturnType<typeof configSchema>>;

export interface ConfigDefaults {
  readonly version: string;
  readonly platform?: NodeJS.Platform;
  readonly home?: string;
  /** Electron's `app.isPackaged`: the installed app takes its configuration from what it ships. */
  readonly packaged?: boolean;
  /** The process's command line, where the helpdesk switch is looked for. */
  readonly argv?: readonly string[];
  /** The data folder the host chose (Electron's userData); RINNOVO_DATA_DIR wins only when unlocked. */
  readonly dataDir?: string;
  /** Where the installed app's shipped files are (Electron's `process.resourcesPath`). */
  readonly resourcesDir?: string;
  readonly fileExists?: (path: string) => boolean;
}

/** The variable that sets each field, named when its value is refused. */
const variableOf: Partial<Record<keyof AppConfig, string>> = {
  dataDir: 'RINNOVO_DATA_DIR',
  serviceUrl: 'RINNOVO_SERVICE_URL',
  updateFeedUrl: 'RINNOVO_UPDATE_FEED_URL',
  caBundlePath: 'RINNOVO_CA_BUNDLE',
  chamberCaBundlePath: 'RINNOVO_CHAMBER_CAS',
  pkcs11Module: 'RINNOVO_PKCS11_MODULE',
  pacUrl: 'RINNOVO_PAC_URL',
  cardWaitSeconds: 'RINNOVO_CARD_WAIT_SECONDS',
  keysAhead: 'RINNOVO_KEYS_AHEAD',
  helpSiteUrl: 'RINNOVO_HELP_URL',
  helpPhone: 'RINNOVO_HELP_PHONE',
};

function invalidSetting(field: keyof AppConfig | undefined): AppError {
  return new AppError('COMMAND_OPTION_INVALID', { option: (field && variableOf[field]) ?? 'RINNOVO_*' });
}

/** A certificate as PEM; OpenSSL's TRUSTED form (`-trustout`, some systems' bundles) too, which Node reads alike. */
const pemCertificate = /-----BEGIN (TRUSTED )?CERTIFICATE-----[\s\S]*?-----END \1?CERTIFICATE-----/g;

/**
 * A CA bundle the configuration names, or COMMAND_OPTION_INVALID naming its variable: a file that
 * is not there, and one that holds no certificate as PEM (a DER `.cer`, the wrong file named). Node
 * adds nothing from such a file and says nothing: every call would then fail as an untrusted
 * service, with the setting to blame never named.
 */
export function readConfiguredFile(path: string, field: 'caBundlePath' | 'chamberCaBundlePath'): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw invalidSetting(field);
  }
  const certificates = text.match(pemCertificate) ?? [];
  // The TRUSTED form carries its trust settings after the certificate: not X.509 alone, not parsed
  // here. Node reads it for TLS; the Chamber CAs are read as plain certificates only (chamber-trust.ts).
  const readable = (pem: string) => {
    if (pem.startsWith('-----BEGIN TRUSTED')) return field === 'caBundlePath';
    try {
      new X509Certificate(pem);
      return true;
    } catch {
      return false;
    }
  };
  if (certificates.length === 0 || !certificates.every(readable)) throw invalidSetting(field);
  return text;
}

/**
 * The configuration, or COMMAND_OPTION_INVALID naming the variable (or the CLI option's variable)
 * whose value is refused: a mistyped address or a file that is not there is said as such, never
 * an internal error (the CA bundles named are read, and checked, when the services start).
 */
export function loadAppConfig(env: NodeJS.ProcessEnv, defaults: ConfigDefaults): AppConfig {
  const source = configurationSource(defaults);
  // Locked: not one RINNOVO_* variable is read.
  const overrides: NodeJS.ProcessEnv = source === 'shipped' ? {} : env;
  const shipped = shippedConfiguration;
  const serviceUrl = withTrailingSlash(overrides.RINNOVO_SERVICE_URL ?? shipped.serviceUrl);
  if (!URL.canParse(serviceUrl)) throw invalidSetting('serviceUrl');
  const feedOverride = overrides.RINNOVO_UPDATE_FEED_URL ?? (overrides.RINNOVO_SERVICE_URL ? new URL('updates/', serviceUrl).toString() : undefined);
  const parsed = configSchema(source !== 'environment').safeParse({
    source,
    dataDir: overrides.RINNOVO_DATA_DIR || defaults.dataDir || defaultDataDir(defaults.platform ?? process.platform, defaults.home ?? homedir(), env),
    serviceUrl,
    updateFeedUrl: withTrailingSlash(feedOverride ?? shipped.updateFeedUrl),
    caBundlePath: overrides.RINNOVO_CA_BUNDLE || shipped.caBundlePath,
    chamberCaBundlePath: overrides.RINNOVO_CHAMBER_CAS || (source === 'environment' ? undefined : shippedFile(defaults, shipped.chamberCaBundle)),
    pkcs11Module: overrides.RINNOVO_PKCS11_MODULE || shipped.pkcs11Module,
    pacUrl: overrides.RINNOVO_PAC_URL || shipped.pacUrl,
    cardWaitSeconds: overrides.RINNOVO_CARD_WAIT_SECONDS || undefined,
    keysAhead: overrides.RINNOVO_KEYS_AHEAD || undefined,
    helpSiteUrl: overrides.RINNOVO_HELP_URL || shipped.helpSiteUrl,
    helpPhone: overrides.RINNOVO_HELP_PHONE || shipped.helpPhone,
    version: defaults.version,
  });
  if (!parsed.success) throw invalidSetting(parsed.error.issues[0]?.path[0] as keyof AppConfig | undefined);
  return parsed.data;
}

function configurationSource(defaults: Pick<ConfigDefaults, 'packaged' | 'argv'>): ConfigurationSource {
  if (!defaults.packaged) return 'environment';
  return (defaults.argv ?? []).includes(helpdeskSwitch) ? 'helpdesk' : 'shipped';
}

/** A file the installed app ships, when it is there (a trial build may lack it: then nothing is trusted). */
function shippedFile(defaults: ConfigDefaults, relative: string): string | undefined {
  if (!defaults.resourcesDir) return undefined;
  const path = join(defaults.resourcesDir, relative);
  return (defaults.fileExists ?? existsSync)(path) ? path : undefined;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The folder Electron names after the app: package.json's `productName`, which it prefers to `name`
 * on every platform. The CLI and the window must meet in the same folder: the device lock, the
 * journal and the logs the support bundle gathers live there.
 */
const appFolderName = 'Rinnovo CNS';

/** The per-user data folder Electron would choose (`app.getPath('userData')`), computed without Electron. */
function defaultDataDir(platform: NodeJS.Platform, home: string, env: NodeJS.ProcessEnv): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), appFolderName);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', appFolderName);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), appFolderName);
}
