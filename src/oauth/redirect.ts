/**
 * Recognises the authorization server's redirect back to the extension and
 * extracts the OAuth response parameters from it (fragment first, since the
 * client asks for `response_mode=fragment`; query as a fallback for servers
 * that answer errors in the query).
 */
export function matchCallback(url: string, redirectUri: string): URLSearchParams | null {
  let actual: URL;
  let expected: URL;
  try {
    actual = new URL(url);
    expected = new URL(redirectUri);
  } catch {
    return null;
  }
  // Loopback redirects may come back on any port (RFC 8252 §7.3).
  const sameTarget =
    actual.protocol === expected.protocol &&
    actual.hostname === expected.hostname &&
    actual.pathname === expected.pathname &&
    (expected.hostname === '127.0.0.1' || actual.port === expected.port);
  if (!sameTarget) return null;
  const fromFragment = new URLSearchParams(actual.hash.slice(1));
  const params = fromFragment.has('state') ? fromFragment : actual.searchParams;
  if (!params.has('state')) return null;
  if (!params.has('code') && !params.has('error')) return null;
  return params;
}
