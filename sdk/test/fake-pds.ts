/** Plausible PDS answers behind the provider double, shared by the adapters' tests. */
import { rpcError } from './fake-provider';

export const ALICE = { did: 'did:plc:alice2345alice2345alice23', handle: 'alice.test' };
export const BOB = { did: 'did:plc:bob23456bob23456bob23456', handle: 'bob.test' };
export const REC_CID = 'bafyreigligzyhb6w7sqbe4v6am4a6y2wr7gl24smfgnoldunksgzdnt2la';
export const BLOB_CID = 'bafkreieprs5x3t2g4c6h2uzgk5e2nql5cfqjhjv2sxsee5samddw7vfinq';
export const APPVIEW = 'did:web:api.bsky.app';
export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255, 128]);

export const json = (body: unknown, status = 200) => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body,
});

/** Plausible PDS/AppView answers, keyed by NSID. */
export function pds(method: string, params: any): unknown {
  if (method === 'atproto_connect') return { ...ALICE, pds: 'https://pds.test/', scope: 'atproto' };
  if (method === 'atproto_accounts') return [ALICE];
  if (method !== 'atproto_xrpc') throw rpcError(4200, 'unknown method');
  switch (params.nsid) {
    case 'com.atproto.repo.createRecord':
      if (params.body?.collection === 'app.bsky.feed.like') throw rpcError(4100, "Not allowed by this site's grant");
      return json({ uri: `at://${params.body.repo}/${params.body.collection}/3kabc`, cid: REC_CID });
    case 'com.atproto.repo.uploadBlob': {
      const body = params.body as Uint8Array;
      return json({
        blob: { $type: 'blob', ref: { $link: BLOB_CID }, mimeType: params.encoding, size: body.byteLength },
      });
    }
    case 'com.atproto.repo.getRecord':
      return json({ error: 'RecordNotFound', message: 'Could not locate record' }, 400);
    case 'com.atproto.sync.getBlob':
      return { status: 200, headers: { 'content-type': 'image/png' }, body: PNG };
    case 'app.bsky.feed.getTimeline':
      return json({ feed: [], cursor: 'next' });
    case 'app.bsky.feed.getPosts':
      return json({ posts: [] });
    case 'app.bsky.actor.getPreferences':
      return json({ preferences: [] });
    default:
      return json({ error: 'MethodNotImplemented', message: params.nsid }, 501);
  }
}
