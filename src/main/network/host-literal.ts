/** A host as it is written before `:port` (a URL, a proxy rule, a message): an IPv6 literal in brackets. */
export function hostLiteral(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
