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
  | 'failed'
  /** The window already had its share of avatars for this prompt (AVATARS_PER_PROMPT): nothing fetched. */
  | 'budget';

export type Avatar =
  | { status: 'ok'; bytes: Uint8Array; type: RasterType }
  | { status: 'unavailable'; reason: AvatarUnavailable };

/** What the avatars read with: the preview look-ups, and a blob read from a PDS (NetworkLookups has both). */
export interface AvatarLookups extends Pick<ConsentLookups, 'identity' | 'record'> {
  blob(pds: string, did: string, cid: string, maxBytes: number): Promise<Lookup<Uint8Array>>;
}

const unavailable = (reason: AvatarUnavailable): Avatar => ({ status: 'unavailable', reason });

/** Distinct accounts whose avatar one prompt may have read: a request naming hundreds gets badges beyond this. */
export const AVATARS_PER_PROMPT = 16;
const PROMPTS_REMEMBERED = 64;

/**
 * Which accounts' avatars each prompt has had read, so one request cannot make the background fetch from an
 * unbounded number of servers (the preview's own look-ups have a budget; avatars are asked one by one).
 */
export class AvatarBudget {
  #byPrompt = new Map<string, Set<string>>();

  constructor(private readonly perPrompt = AVATARS_PER_PROMPT) {}

  /** True if this prompt may read this account's avatar (again, or as one of its first `perPrompt`). */
  admit(promptId: string, did: string): boolean {
    let dids = this.#byPrompt.get(promptId);
    if (!dids) {
      dids = new Set();
      this.#byPrompt.set(promptId, dids);
      // Forget the oldest prompts: a prompt lives five minutes, a window asks within seconds.
      for (const oldest of this.#byPrompt.keys()) {
        if (this.#byPrompt.size <= PROMPTS_REMEMBERED) break;
        this.#byPrompt.delete(oldest);
      }
    }
    if (dids.has(did)) return true;
    if (dids.size >= this.perPrompt) return false;
    dids.add(did);
    return true;
  }
}

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
const defaultBudget = new AvatarBudget();

export async function avatarForPrompt(
  prompt: PromptRecord,
  did: string,
  lookups: AvatarLookups,
  budget: AvatarBudget = defaultBudget,
): Promise<Avatar> {
  if (!promptNames(prompt, did)) return unavailable('not-named');
  if (!budget.admit(prompt.id, did)) return unavailable('budget');
  return (await accountProfile(did, lookups)).avatar;
}

/**
 * An account's display name and avatar, from its `app.bsky.actor.profile/self` (the popup shows the user's
 * own accounts by them). The display name is the account's own text: show it as site text.
 */
export async function accountProfile(
  did: string,
  lookups: AvatarLookups,
): Promise<{ displayName?: string; avatar: Avatar }> {
  const profile = await lookups.record(`at://${did}/app.bsky.actor.profile/self`);
  if (!profile.ok) return { avatar: unavailable(profile.failure === 'not-found' ? 'none' : 'failed') };
  const name = profile.value.value.displayName;
  const displayName = typeof name === 'string' && name.trim() ? name.slice(0, 640) : undefined;
  return { ...(displayName ? { displayName } : {}), avatar: await avatarOfProfile(did, profile.value.value, lookups) };
}

async function avatarOfProfile(did: string, profile: Record<string, unknown>, lookups: AvatarLookups): Promise<Avatar> {
  const ref = avatarRef(profile.avatar);
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
