import type { DisplayedIntent } from '../broker/intent';
import type { PromptRecord } from '../storage/db';

/** A pending prompt for a createRecord call of `did` with this body (and the file it sends, if any). */
export function callPrompt(did: string, body: DisplayedIntent['body'], previewBytes?: Uint8Array): PromptRecord {
  const intent = {
    nsid: 'com.atproto.repo.createRecord',
    key: 'com.atproto.repo.createrecord',
    route: 'pds',
    httpMethod: 'POST',
    params: {},
    body,
  } as unknown as DisplayedIntent;
  return {
    id: 'p1',
    origin: 'https://site.example',
    requestId: 'r1',
    kind: 'call',
    createdAt: 0,
    expiresAt: Number.MAX_SAFE_INTEGER,
    digest: 'd',
    details: { kind: 'call', did, method: intent.nsid, summary: [], scopes: [], intent },
    ...(previewBytes ? { previewBytes } : {}),
  };
}
