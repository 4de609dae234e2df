import type { PdsInfo } from './pds-process';

type Account = PdsInfo['accounts']['alice'];

/** An account's own session at the PDS (password sign-in), for setting up records outside the extension. */
export interface DirectRepo {
  did: string;
  createRecord(
    collection: string,
    record: Record<string, unknown>,
    rkey?: string,
  ): Promise<{ uri: string; cid: string }>;
  /** Uploads a file; the blob ref it answers goes into a record (a profile's avatar). */
  uploadBlob(bytes: Uint8Array, mimeType: string): Promise<Record<string, unknown>>;
}

/**
 * Signs in to the PDS with the account's password, bypassing the extension,
 * and writes to its repository: the records a test's requests point at
 * (another account's post to reply to, a post to delete, a profile with an avatar).
 */
export async function directRepo(pdsUrl: string, account: Account): Promise<DirectRepo> {
  const session = await xrpc<{ accessJwt: string; did: string }>(pdsUrl, 'com.atproto.server.createSession', {
    identifier: account.handle,
    password: account.password,
  });
  return {
    did: session.did,
    createRecord: (collection, record, rkey) =>
      xrpc(
        pdsUrl,
        rkey ? 'com.atproto.repo.putRecord' : 'com.atproto.repo.createRecord',
        { repo: session.did, collection, record: { $type: collection, ...record }, ...(rkey ? { rkey } : {}) },
        session.accessJwt,
      ),
    uploadBlob: async (bytes, mimeType) => {
      const res = await fetch(`${pdsUrl}/xrpc/com.atproto.repo.uploadBlob`, {
        method: 'POST',
        headers: { 'content-type': mimeType, authorization: `Bearer ${session.accessJwt}` },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
      const answer = (await res.json()) as { blob: Record<string, unknown>; message?: string };
      if (!res.ok) throw new Error(`uploadBlob failed: ${res.status} ${answer.message ?? ''}`);
      return answer.blob;
    },
  };
}

async function xrpc<T>(pdsUrl: string, nsid: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`${pdsUrl}/xrpc/${nsid}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(`${nsid} failed: ${res.status} ${answer.message ?? ''}`);
  return answer;
}
