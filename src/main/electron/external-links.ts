/**
 * Which pages the tool may open in the person's default browser: https only, and only hosts on
 * the allowlist (the renewal service's checkout). Anything else is refused and logged.
 */
export function isAllowedExternalUrl(url: string, allowedHosts: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  return allowedHosts.includes(parsed.host);
}

export async function openExternalSafely(
  openExternal: (url: string) => Promise<void>,
  url: string,
  allowedHosts: readonly string[],
): Promise<boolean> {
  if (!isAllowedExternalUrl(url, allowedHosts)) return false;
  await openExternal(url);
  return true;
}
