/**
 * NO_PROXY matching, with the rules undici's EnvHttpProxyAgent applies when it routes.
 *
 * The dispatcher itself is undici's; this copy exists so the tool can say which route a given
 * destination takes (direct or which proxy) without sending anything. Entries are separated by
 * commas or spaces; `*` bypasses everything; `host` matches the host and its subdomains, as do
 * `.host` and `*.host`; `host:port` only on that port.
 */
const defaultPorts: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

export function bypassesProxy(target: URL, noProxy: string): boolean {
  const value = noProxy.trim();
  if (value === '') return false;
  if (value === '*') return true;
  const hostname = target.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(target.port, 10) || defaultPorts[target.protocol] || 0;
  for (const raw of value.split(/[,\s]/)) {
    if (!raw) continue;
    const withPort = /^(.+):(\d+)$/.exec(raw);
    const entryHost = (withPort?.[1] ?? raw).replace(/^\*?\./, '').toLowerCase();
    const entryPort = withPort?.[2] ? Number.parseInt(withPort[2], 10) : 0;
    if (entryPort !== 0 && entryPort !== port) continue;
    if (hostname === entryHost || hostname.endsWith(`.${entryHost}`)) return true;
  }
  return false;
}
