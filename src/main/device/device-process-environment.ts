/**
 * The environment the device process starts with: the app's, less what only costs it. It makes no
 * TLS connection, so the extra certificate authorities some machines give every Node process
 * (NODE_EXTRA_CA_CERTS, read and parsed at each start: ~40 ms of CPU for Debian's bundle) stay out.
 */
export function deviceProcessEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}
