import type { PromptRecord } from '../storage/db';

/** Who asks, as the consent window shows it (the origins come from the browser, never from the page). */
export interface WhoAsks {
  /** The requesting document's origin. */
  origin: string;
  /** The tab's top-level site, when the request comes from a frame of another origin. */
  topOrigin?: string;
  /** The site has no grant and the user never answered a prompt of its before. */
  firstTime: boolean;
  /** Those of origin and topOrigin served over plain http (loopback development servers). */
  plainHttp: string[];
}

/** What the keyring remembers about a site, for the first-time line. */
export interface SiteHistory {
  hasGrant: boolean;
  answeredBefore: boolean;
}

export function isPlainHttp(origin: string): boolean {
  return origin.startsWith('http:');
}

export function whoAsks(prompt: Pick<PromptRecord, 'origin' | 'topOrigin'>, history: SiteHistory): WhoAsks {
  const origins = prompt.topOrigin ? [prompt.origin, prompt.topOrigin] : [prompt.origin];
  const asker: WhoAsks = {
    origin: prompt.origin,
    firstTime: !history.hasGrant && !history.answeredBefore,
    plainHttp: origins.filter(isPlainHttp),
  };
  if (prompt.topOrigin) asker.topOrigin = prompt.topOrigin;
  return asker;
}
