/**
 * The avatar of an account a prompt's request names (the account followed or
 * blocked, a list's member, a mention, a liked post's author), for the consent
 * window to show beside it: the avatar blob of its `app.bsky.actor.profile/self`,
 * read from its own PDS (public reads, no token), size-capped, checked against
 * the CID and served only when its bytes are a raster picture (never an SVG).
 */
import type { PromptRecord } from '../storage/db';
import { isRawCid, rawCid } from './cid';
import type { ConsentLookups, Lookup } from './lookup';
import { detectFile, type RasterType } from './sniff';

/** Largest avatar the background reads; a profile picture needs far less. */
export const AVATAR_MAX_BYTES = 1024 * 1024;

export type AvatarUnavailable =
  /** The prompt's request does not name this account: refused, nothing fetched. */
  | 'not-named'
  /** The account has no profile, or its profile no avatar. */
  | 'none'
  | 'too-large'
  /** The bytes are not a raster picture (an SVG, anything else), or not those of the CID. */
  | 'not-image'
  | 'failed';

export type Avatar =
  | { status: 'ok'; bytes: Uint8Array; type: RasterType }
  | { status: 'unavailable'; reason: AvatarUnavailable };

/** What the avatars read with: the preview look-ups, and a blob read from a PDS (NetworkLookups has both). */
export interface AvatarLookups extends Pick<ConsentLookups, 'identity' | 'record'> {
  blob(pds: string, did: string, cid: string, maxBytes: number): Promise<Lookup<Uint8Array>>;
}

const unavailable = (reason: AvatarUnavailable): Avatar => ({ status: 'unavailable', reason });

/** Whether the prompt's request names `did`: as a value of its body, or as the repository of an at:// URI in it. */
export function promptNames(prompt: PromptRecord, did: string): boolean {
  if (prompt.details.kind !== 'call' || prompt.details.intent.body.kind !== 'json') return false;
  const uriPrefix = `at://${did}/`;
  const names = (value: unknown, depth: number): boolean => {
    if (typeof value === 'string') return value === did || value.startsWith(uriPrefix);
    if (depth > 32 || typeof value !== 'object' || value === null) return false;
    return Object.values(value).some((v) => names(v, depth + 1));
  };
  return names(prompt.details.intent.body.value, 0);
}

/** The avatar of `did`, if the prompt's request names that account. */
export async function avatarForPrompt(prompt: PromptRecord, did: string, lookups: AvatarLookups): Promise<Avatar> {
  if (!promptNames(prompt, did)) return unavailable('not-named');
  const profile = await lookups.record(`at://${did}/app.bsky.actor.profile/self`);
  if (!profile.ok) return unavailable(profile.failure === 'not-found' ? 'none' : 'failed');
  const ref = avatarRef(profile.value.value.avatar);
  if (!ref) return unavailable('none');
  if ((ref.size ?? 0) > AVATAR_MAX_BYTES) return unavailable('too-large');
  const identity = await lookups.identity(did);
  if (!identity.ok || !identity.value.pds) return unavailable('failed');
  const bytes = await lookups.blob(identity.value.pds, did, ref.cid, AVATAR_MAX_BYTES);
  if (!bytes.ok) return unavailable(bytes.failure === 'too-large' ? 'too-large' : 'failed');
  if ((await rawCid(bytes.value)) !== ref.cid) return unavailable('not-image');
  const detected = detectFile(bytes.value);
  if (detected.kind !== 'raster') return unavailable('not-image');
  return { status: 'ok', bytes: bytes.value, type: detected.type };
}

/** The CID and declared size of a profile's avatar blob ref; only raw sha-256 CIDs, which bytes can be checked against. */
function avatarRef(avatar: unknown): { cid: string; size?: number } | undefined {
  if (typeof avatar !== 'object' || avatar === null) return undefined;
  const { ref, size } = avatar as { ref?: unknown; size?: unknown };
  const cid = (ref as { $link?: unknown } | null)?.$link;
  if (typeof cid !== 'string' || !isRawCid(cid)) return undefined;
  return { cid, ...(typeof size === 'number' ? { size } : {}) };
}
