import { storage } from 'wxt/utils/storage';

/** How an account looks in the popup: its display name and a small copy of its avatar, from its profile. */
export interface AccountProfile {
  displayName?: string;
  /** A data: URL of the avatar drawn at {@link AVATAR_PX} px (never the original bytes). */
  avatar?: string;
  fetchedAt: number;
}

/** Profiles are read again after this long (a changed avatar shows within a day, or at once with Check). */
export const PROFILE_TTL_MS = 24 * 60 * 60_000;
/** The size avatars are kept at: twice the popup's 32 px, for high-density screens. */
export const AVATAR_PX = 64;

/** Kept between popup openings, so accounts show by name at once; refreshed after the popup has painted. */
export const accountProfiles = storage.defineItem<Record<string, AccountProfile>>('local:at-keyring:profiles', {
  fallback: {},
});

/** Reads the profiles of `dids` that are missing or stale, after the popup painted; calls back with each. */
export async function refreshProfiles(
  dids: readonly string[],
  cached: Record<string, AccountProfile>,
  onProfile: (did: string, profile: AccountProfile) => void,
  now = Date.now(),
): Promise<void> {
  const stale = dids.filter((did) => !cached[did] || now - cached[did].fetchedAt > PROFILE_TTL_MS);
  if (!stale.length) return;
  const { loadProfile } = await import('./profile-loader');
  const loaded = await Promise.all(
    stale.map(async (did) => {
      const profile = await loadProfile(did).catch(() => undefined);
      // Unreachable: what was cached stays, and is tried again next time.
      if (profile) onProfile(did, profile);
      return [did, profile] as const;
    }),
  );
  // One write, of accounts still signed in (the list passed in) only.
  const fresh = loaded.filter((entry): entry is readonly [string, AccountProfile] => entry[1] !== undefined);
  const all = { ...(await accountProfiles.getValue()), ...Object.fromEntries(fresh) };
  await accountProfiles.setValue(Object.fromEntries(Object.entries(all).filter(([did]) => dids.includes(did))));
}
