import { whoAsks } from '../../consent/who-asks';
import { describeScope } from '../../permissions/describe';
import { alwaysOffer, scopesByRisk } from '../../permissions/risk';
import type { BlobPreviewView, PromptView } from '../../protocol/privileged';
import { toBase64 } from '../../protocol/wire';
import { defineHandler } from './handler';

export const getPrompt = defineHandler({
  op: 'prompt.get',
  uses: ['prompts', 'keyring', 'grants'],
  async handle({ id }, { prompts, keyring, grants }): Promise<PromptView | null> {
    const found = await prompts.get(id);
    if (!found) return null;
    // The file a call sends reaches the window through prompt.blob, once, not with every re-read.
    const { previewBytes: _bytes, ...prompt } = found;
    const { details } = prompt;
    const [accounts, granted, answeredBefore, settings] = await Promise.all([
      keyring.listAccounts(),
      grants.forOrigin(prompt.origin),
      prompts.answeredBefore(prompt.origin),
      keyring.settings(),
    ]);
    const asker = whoAsks(prompt, { hasGrant: granted.length > 0, answeredBefore });
    if (details.kind === 'connect') {
      const lines = details.scope.map(describeScope);
      return { prompt, lines, asker, scopes: scopesByRisk(details.scope), always: 'nothing-to-add', ...accounts };
    }
    // An applyWrites of many like writes needs one permission many times: say it once.
    const lines = [...new Set(details.summary)];
    // The grant as it is now, for the window's preview: writes it already allows are marked so.
    const grantedScope = granted.find((g) => g.did === details.did)?.scope;
    return {
      prompt,
      lines,
      asker,
      always: alwaysOffer(details.scopes, settings),
      ...(grantedScope ? { grantedScope } : {}),
      ...accounts,
    };
  },
});

export const getSiteIcon = defineHandler({
  op: 'prompt.siteIcon',
  uses: ['prompts', 'siteIcons'],
  async handle({ id }, { prompts, siteIcons }) {
    const prompt = await prompts.get(id);
    return prompt ? siteIcons.forPrompt(prompt) : null;
  },
});

export const promptBlob = defineHandler({
  op: 'prompt.blob',
  uses: ['prompts', 'previews'],
  async handle({ id, cid }, { prompts, previews }): Promise<BlobPreviewView> {
    const prompt = await prompts.get(id);
    // A prompt that is gone (answered, expired) refers to nothing any more.
    if (!prompt) return { status: 'unavailable', reason: 'not-referenced' };
    const preview = await previews.forPrompt(prompt, cid);
    return preview.status === 'ok' ? { status: 'ok', base64: toBase64(preview.bytes) } : preview;
  },
});

export const decidePrompt = defineHandler({
  op: 'prompt.decide',
  uses: ['prompts'],
  handle: ({ id, outcome, did, remember, duration }, { prompts }) =>
    prompts.decide(
      id,
      outcome === 'approve'
        ? { outcome: 'approve', did, remember, ...(duration && { duration }) }
        : { outcome: 'reject', reason: 'denied' },
    ),
});
