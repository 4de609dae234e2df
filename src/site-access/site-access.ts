import { checkSecureOrigin } from '../protocol/secure-origin';

/**
 * Which sites AT Keyring is available to: every http(s) site (the default), or only the origins the user
 * allowed. In the second mode the content scripts are registered for those origins alone, so other sites
 * find no provider, and the page channel refuses any other origin (a script left from before the switch).
 */
export type SiteAccessMode = 'all' | 'allowed';

export interface SiteAccess {
  mode: SiteAccessMode;
  /** Canonical origins the user allowed (kept while the mode is 'all', so switching back restores them). */
  origins: string[];
}

export const DEFAULT_SITE_ACCESS: SiteAccess = { mode: 'all', origins: [] };

/** The host permissions of the default mode (the manifest's, granted at install). */
export const ALL_SITES_PATTERNS = ['http://*/*', 'https://*/*'] as const;

/** Longest list the popup keeps; more is refused rather than slowing every registration. */
export const MAX_ALLOWED_SITES = 500;

/**
 * How the browser's match patterns treat ports. Chromium matches a pattern's port exactly; Firefox's
 * patterns have no port (one with a port matches nothing, measured in Firefox 153), so there a site's
 * pattern covers every port of its host and the page channel's origin check tells the ports apart.
 */
export interface PatternDialect {
  ports: boolean;
}

/**
 * The canonical origin of something the user or the browser named (a tab's URL, an origin typed in), if
 * AT Keyring can serve it at all (https, or http on loopback); null otherwise.
 */
export function siteOrigin(input: string): string | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return checkSecureOrigin(url.origin).ok ? url.origin : null;
}

/** The match pattern for one origin: `https://example.com/*`, with its port where the browser has them. */
export function originPattern(origin: string, dialect: PatternDialect): string {
  const url = new URL(origin);
  const host = dialect.ports ? url.host : url.hostname;
  return `${url.protocol}//${host}/*`;
}

/** Whether an origin (as the page channel resolved it) may use the provider. */
export function isAllowed(access: SiteAccess, origin: string): boolean {
  return access.mode === 'all' || access.origins.includes(origin);
}

/** The patterns the content scripts should match: every site, the allowed ones, or none. */
export function scriptMatches(access: SiteAccess, dialect: PatternDialect): string[] {
  if (access.mode === 'all') return [...ALL_SITES_PATTERNS];
  return [...new Set(access.origins.map((origin) => originPattern(origin, dialect)))].sort();
}

/** Reads a stored value; anything malformed falls back to the default (every site), origins re-checked. */
export function parseSiteAccess(stored: unknown): SiteAccess {
  if (typeof stored !== 'object' || stored === null) return DEFAULT_SITE_ACCESS;
  const { mode, origins } = stored as { mode?: unknown; origins?: unknown };
  const list = Array.isArray(origins)
    ? origins.filter((o): o is string => typeof o === 'string' && siteOrigin(o) === o).slice(0, MAX_ALLOWED_SITES)
    : [];
  return { mode: mode === 'allowed' ? 'allowed' : 'all', origins: [...new Set(list)] };
}
