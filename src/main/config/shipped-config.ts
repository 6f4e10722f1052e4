/**
 * What the installed app is built to talk to: the production renewal service and its update
 * feed, the public web PKI for TLS, and the CNS middleware at its known places.
 *
 * Compiled into the app bundle, which sits in the integrity-checked app.asar (see the fuses in
 * electron-builder.yml): changing it means a new signed build, not a variable in someone's
 * environment. electron-builder.yml's `publish.url` names the same feed.
 */
import { join } from 'node:path';

export const shippedConfiguration = {
  serviceUrl: 'https://rinnovo.card.infocamere.it/api/v1/',
  updateFeedUrl: 'https://rinnovo.card.infocamere.it/api/v1/updates/',
  /** No extra bundle: the service has a certificate from the public PKI (Node's root store). */
  caBundlePath: undefined,
  /**
   * The Chamber of Commerce CAs renewed certificates must chain to, inside the app's resources
   * folder (electron-builder.yml `extraResources`; scripts/dist.ts refuses a release without it).
   */
  chamberCaBundle: join('chamber-cas', 'chamber-cas.pem'),
  /** No fixed library: the known CNS middleware locations (device/module-discovery.ts), in order. */
  pkcs11Module: undefined,
  pacUrl: undefined,
  /** Where the holder downloads the tool and finds help (the guide's site). */
  helpSiteUrl: 'https://www.card.infocamere.it/',
  /** No call-center number is shipped until the Chamber gives one: the window then names only the site and the office. */
  helpPhone: undefined,
} as const;

/** The command-line switch that lets the helpdesk point an installed app elsewhere; the window's footer says it is on. */
export const helpdeskSwitch = '--helpdesk';
