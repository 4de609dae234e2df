/**
 * The PDS as a backstop: what the PDS itself refuses for the extension's own
 * session token (scope `atproto transition:generic`), called directly with
 * that token and its DPoP key, bypassing the broker. What the PDS allows
 * here only the extension stops; SECURITY.md lists both (both PDS versions
 * run this file and print their table).
 */
import type { Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchSignedIn, readStoredSession, requestWithSavedSession } from '../support/keyring';

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;

let closeBrowser: () => Promise<void>;
let sw: Worker;

const ATTACKER = 'did:web:attacker.example';
const probes: Array<[label: string, path: string]> = [
  ['getSession (account details, email)', '/xrpc/com.atproto.server.getSession'],
  ['listAppPasswords', '/xrpc/com.atproto.server.listAppPasswords'],
  ['getAccountInviteCodes', '/xrpc/com.atproto.server.getAccountInviteCodes'],
  ['checkAccountStatus', '/xrpc/com.atproto.server.checkAccountStatus'],
  ['getRecommendedDidCredentials', '/xrpc/com.atproto.identity.getRecommendedDidCredentials'],
  [
    'service token: createAccount at an attacker',
    `/xrpc/com.atproto.server.getServiceAuth?aud=${ATTACKER}&lxm=com.atproto.server.createAccount`,
  ],
  ['service token: no method, at an attacker', `/xrpc/com.atproto.server.getServiceAuth?aud=${ATTACKER}`],
  [
    'service token: signPlcOperation',
    `/xrpc/com.atproto.server.getServiceAuth?aud=${ATTACKER}&lxm=com.atproto.identity.signPlcOperation`,
  ],
  [
    'service token: getSession',
    `/xrpc/com.atproto.server.getServiceAuth?aud=${ATTACKER}&lxm=com.atproto.server.getSession`,
  ],
  ['admin: getAccountInfo', `/xrpc/com.atproto.admin.getAccountInfo?did=${alice.did}`],
  ['repo read: listRecords', `/xrpc/com.atproto.repo.listRecords?repo=${alice.did}&collection=app.bsky.feed.post`],
];

describe(`what PDS ${pds.pdsVersion} itself refuses for the extension's session token`, () => {
  beforeAll(async () => {
    const signedIn = await launchSignedIn(extensionPath, pds, alice);
    closeBrowser = signedIn.close;
    sw = await signedIn.browser.background();
    await readStoredSession(sw, alice.did);
  });
  afterAll(async () => {
    await closeBrowser?.();
  });

  it('prints which protected calls the PDS would allow (only the extension stops those)', async () => {
    const rows: string[] = [];
    const allowed: string[] = [];
    for (const [label, probe] of probes) {
      const { status, body } = await requestWithSavedSession(sw, alice.did, { url: `${pds.pdsUrl}${probe}` });
      rows.push(
        `${String(status).padEnd(4)} ${label}${status >= 400 ? ` (${body?.error ?? ''}: ${String(body?.message ?? '').slice(0, 80)})` : ''}`,
      );
      if (status < 300) allowed.push(label);
    }
    console.log(`PDS ${pds.pdsVersion}, token scope "atproto transition:generic":\n${rows.join('\n')}`);
    // The ordinary read works with this token, so the refusals above are the PDS's own policy.
    expect(allowed).toContain('repo read: listRecords');
    // Administration needs the PDS's admin credentials on every version.
    expect(allowed).not.toContain('admin: getAccountInfo');
  });
});
