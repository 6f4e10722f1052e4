/**
 * The electron-builder configuration of one release: electron-builder.yml plus what only the
 * release machine knows — whether signing material is present, and the Windows publisher name.
 *
 * electron-builder reads the signing certificates and their passwords from the environment
 * itself (CSC_LINK, CSC_KEY_PASSWORD, WIN_CSC_LINK, …; APPLE_* for notarization): nothing
 * secret is copied into the configuration. What is decided here is that an installer holders
 * will update from is never built unsigned by accident: electron-updater verifies a Windows
 * update against the publisher name written into the app, and without one it verifies nothing.
 */
import type { Configuration } from 'electron-builder';

export type DistTarget = 'win' | 'mac' | 'linux';

export interface ReleaseRequest {
  readonly targets: readonly DistTarget[];
  /** A local trial build: no signing demanded, and said loudly. Never for holders. */
  readonly unsigned: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether build/chamber-cas/chamber-cas.pem is there: without it the app accepts no renewed certificate. */
  readonly chamberCasPresent: boolean;
}

export type ReleasePlan =
  | { readonly kind: 'ready'; readonly config: Configuration; readonly warnings: readonly string[] }
  | { readonly kind: 'refused'; readonly reasons: readonly string[] };

/** The environment variables a signed release needs, per target, for the README and the refusal. */
export const signingVariables = {
  win: ['CSC_LINK or WIN_CSC_LINK (+ CSC_KEY_PASSWORD / WIN_CSC_KEY_PASSWORD)', 'RINNOVO_WIN_PUBLISHER_NAME'],
  mac: ['CSC_LINK (+ CSC_KEY_PASSWORD) or CSC_NAME', 'APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER (or APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID)'],
} as const;

/** Where the release engineer puts the Chamber of Commerce CA bundle; shipped as resources/chamber-cas/. */
export const chamberCasFile = 'build/chamber-cas/chamber-cas.pem';

export function releasePlan(base: Configuration, request: ReleaseRequest): ReleasePlan {
  const env = request.env;
  const reasons: string[] = [];
  const warnings: string[] = [];
  let config: Configuration = { ...base };

  if (!request.chamberCasPresent) {
    if (request.unsigned) warnings.push(`${chamberCasFile} is missing: this build will accept no renewed certificate.`);
    else reasons.push(`${chamberCasFile} is missing: the Chamber of Commerce CAs renewed certificates must chain to (without them the app accepts none).`);
  }

  if (request.targets.includes('win')) {
    const certificate = present(env.WIN_CSC_LINK) || present(env.CSC_LINK);
    const publisherName = env.RINNOVO_WIN_PUBLISHER_NAME?.trim();
    if (request.unsigned) {
      warnings.push('Windows: UNSIGNED trial build — holders must never receive it (updates could not be verified).');
      config = { ...config, win: { ...config.win, forceCodeSigning: false } };
    } else if (!certificate || !publisherName) {
      if (!certificate) reasons.push(`Windows: no code-signing certificate (${signingVariables.win[0]}).`);
      if (!publisherName) reasons.push('Windows: RINNOVO_WIN_PUBLISHER_NAME is not set (the certificate subject CN electron-updater will verify updates against).');
    } else {
      config = {
        ...config,
        win: { ...config.win, forceCodeSigning: true, signtoolOptions: { ...config.win?.signtoolOptions, publisherName: [publisherName] } },
      };
    }
  }

  if (request.targets.includes('mac')) {
    const identity = present(env.CSC_LINK) || present(env.CSC_NAME);
    const notarization =
      (present(env.APPLE_API_KEY) && present(env.APPLE_API_KEY_ID) && present(env.APPLE_API_ISSUER)) ||
      (present(env.APPLE_ID) && present(env.APPLE_APP_SPECIFIC_PASSWORD) && present(env.APPLE_TEAM_ID));
    if (request.unsigned) {
      warnings.push('macOS: UNSIGNED trial build — Gatekeeper will refuse it and it cannot update.');
      config = { ...config, mac: { ...config.mac, identity: null, notarize: false } };
    } else if (!identity || !notarization) {
      if (!identity) reasons.push(`macOS: no Developer ID certificate (${signingVariables.mac[0]}).`);
      if (!notarization) reasons.push(`macOS: no notarization credentials (${signingVariables.mac[1]}).`);
    } else {
      config = { ...config, mac: { ...config.mac, forceCodeSigning: true, notarize: true } };
    }
  }

  return reasons.length > 0 ? { kind: 'refused', reasons } : { kind: 'ready', config, warnings };
}

/** The host's own target, which is what electron-builder can build without cross tooling. */
export function hostTarget(platform: NodeJS.Platform): DistTarget {
  if (platform === 'win32') return 'win';
  if (platform === 'darwin') return 'mac';
  return 'linux';
}

function present(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}
