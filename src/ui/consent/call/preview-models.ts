/**
 * The consent window's preview models and its public look-ups (records, identities, avatars), loaded after
 * the window has painted (see loadPreviewModels). The look-ups are made from this page as the popup's network
 * settings direct them, one cache per window; the page has the service worker's origin and no more host
 * permissions than it, so they are the requests the background used to make.
 */

import type { DisplayedIntent } from '../../../broker/intent';
import { AvatarBudget, avatarForPrompt } from '../../../consent/avatars';
import { budgetedLookups, NetworkLookups } from '../../../consent/lookup';
import { PREVIEW_BUDGET, previewPrompt } from '../../../consent/prompt-preview';
import { previewCall } from '../../../consent/records';
import type { NetworkSettings } from '../../../oauth/settings';
import type { PromptRecord } from '../../../storage/db';
import { callKeyring } from '../../api';

let settings: Promise<NetworkSettings> | undefined;
const lookups = new NetworkLookups(() => {
  settings ??= callKeyring('settings.get').catch((err) => {
    settings = undefined; // ask again on the next look-up
    throw err;
  });
  return settings;
});

/** Whose avatars this window has read: a prompt naming hundreds of accounts gets letter badges beyond the budget. */
const avatarBudget = new AvatarBudget();

export const previewOf = (prompt: PromptRecord, grantedScope: string | undefined) =>
  previewPrompt(prompt, grantedScope, lookups);

export const avatarOf = (prompt: PromptRecord, did: string) => avatarForPrompt(prompt, did, lookups, avatarBudget);

/** The preview of a call already made (the activity log's entries), with this page's look-ups. */
export const previewOfIntent = (intent: DisplayedIntent, account: string) =>
  previewCall(intent, { account, lookups: budgetedLookups(lookups, PREVIEW_BUDGET), now: Date.now() });
