/**
 * The environment the device process starts with: the app's, less what it must not hold and what
 * only costs it.
 *
 * That process loads the card vendor's PKCS#11 library and lives as long as the session; its
 * environment can be read by anything that can read its memory. The tool's own settings
 * (RINNOVO_*: the PIN and account password given to the CLI among them) and the proxy variables
 * (credentials in `user:password@`) stay out: it reads none of them and makes no network
 * connection. For the same reason the extra certificate authorities some machines give every
 * Node process (NODE_EXTRA_CA_CERTS, read and parsed at each start: ~40 ms of CPU for Debian's
 * bundle) stay out too. Everything else (PATH, the locale, the vendor library's own variables,
 * SoftHSM's configuration) is kept: a vendor library may read any of it.
 */
const leftOut = /^(?:RINNOVO_.*|NODE_EXTRA_CA_CERTS|(?:HTTPS?|ALL|NO|FTP)_PROXY)$/i;

export function deviceProcessEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !leftOut.test(name)));
}
