import { boolean, did, type Infer, literal, object, optional, string, union } from './schema';

/**
 * The privileged channel between extension pages (popup, consent window) and
 * the background. The background accepts these only from its own pages
 * (checked against the sender's URL), never from content scripts.
 */
export const popupRequest = union(
  object({ op: literal('accounts.list') }),
  object({ op: literal('accounts.setActive'), did }),
  object({ op: literal('accounts.signOut'), did }),
  object({ op: literal('accounts.check'), did }),
  object({ op: literal('login.start'), input: string({ max: 512 }) }),
  object({ op: literal('login.status'), id: string({ max: 64 }) }),
  object({ op: literal('settings.get') }),
  object({ op: literal('prompt.get'), id: string({ max: 64 }) }),
  object({
    op: literal('prompt.decide'),
    id: string({ max: 64 }),
    outcome: literal('approve', 'reject'),
    did: optional(did),
    remember: optional(boolean),
  }),
  object({ op: literal('grants.list') }),
  object({ op: literal('grants.revoke'), origin: string({ max: 2048 }) }),
  object({
    op: literal('settings.update'),
    settings: object({
      handleResolver: optional(string({ max: 2048 })),
      plcDirectoryUrl: optional(string({ max: 2048 })),
      allowHttp: optional(boolean),
      clientId: optional(string({ max: 2048 })),
    }),
  }),
);
export type PopupRequest = Infer<typeof popupRequest>;

/** Every privileged answer is one of these; errors carry a stable code. */
export type PopupResponse<T = unknown> =
  | { ok: true; result: T }
  | { ok: false; error: { code: string; message: string } };

/** Pushed to open extension pages when something they show changed. */
export type PopupEvent =
  | { event: 'accountsChanged' }
  | { event: 'loginFinished'; loginId: string; status: 'done' | 'failed' };

/** Marks background→page broadcasts so listeners can tell them from requests. */
export const POPUP_EVENT_CHANNEL = 'at-keyring:popup-event';
