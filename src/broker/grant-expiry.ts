/**
 * How long an approval lasts, as the consent window offers it: "for 1 hour", "for today" (until the
 * next local midnight) or "until I revoke". The window sends only the choice; the background turns it
 * into a time with its own clock, so no page or window supplies a timestamp.
 */
export const GRANT_DURATIONS = ['hour', 'today', 'revoke'] as const;
export type GrantDuration = (typeof GRANT_DURATIONS)[number];

const HOUR_MS = 60 * 60_000;

/** When an approval made at `now` ends (epoch ms), or undefined for "until I revoke". */
export function expiryFor(duration: GrantDuration | undefined, now: number): number | undefined {
  if (duration === 'hour') return now + HOUR_MS;
  if (duration === 'today') {
    const midnight = new Date(now);
    midnight.setHours(24, 0, 0, 0);
    return midnight.getTime();
  }
  return undefined;
}

/** Whether a time limit has passed (no limit never passes). */
export const hasEnded = (expiresAt: number | undefined, now: number): boolean =>
  expiresAt !== undefined && expiresAt <= now;
