/**
 * The operating system's proxy for a URL, as Chromium sees it (settings, WPAD, PAC).
 *
 * Only Electron can answer (`session.resolveProxy`); the CLI and the harness have none, so the
 * resolution skips this step there.
 */
export interface SystemProxyResolver {
  /** A PAC-style answer: `"PROXY host:port; DIRECT"` or `"DIRECT"`. */
  resolveProxy(url: string): Promise<string>;
}
