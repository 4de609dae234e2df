/** The letter badge that stands in for a site's icon: the first letter or digit of its host, on a colour of its own. */
export interface SiteBadge {
  letter: string;
  /** A hue (0–359) from the whole origin, so two sites that share a letter still look apart. */
  hue: number;
}

export function siteBadge(origin: string): SiteBadge {
  let host = '';
  try {
    host = new URL(origin).hostname.replace(/^www\./, '');
  } catch {}
  return letterBadge(host, origin);
}

/** A badge of `label`'s first letter or digit, on a hue from `seed` (a site's origin, an account's DID). */
export function letterBadge(label: string, seed: string): SiteBadge {
  const letter = label.match(/[\p{L}\p{N}]/u)?.[0]?.toUpperCase() ?? '?';
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return { letter, hue: hash % 360 };
}
