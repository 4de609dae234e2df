/** The activity page's address, for one site or account or for all (a page of this extension: no permission needed). */
export function activityPageUrl(filter: { origin?: string; did?: string } = {}): string {
  const query = new URLSearchParams(
    Object.entries(filter).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  ).toString();
  return `/activity.html${query ? `?${query}` : ''}`;
}
