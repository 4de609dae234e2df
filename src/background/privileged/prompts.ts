import { whoAsks } from '../../consent/who-asks';
import { describeScope } from '../../permissions/describe';
import { alwaysOffer, scopesByRisk } from '../../permissions/risk';
import type { PromptView } from '../../protocol/privileged';
import { defineHandler } from './handler';

export const getPrompt = defineHandler({
  op: 'prompt.get',
  uses: ['prompts', 'keyring', 'grants'],
  async handle({ id }, { prompts, keyring, grants }): Promise<PromptView | null> {
    const prompt = await prompts.get(id);
    if (!prompt) return null;
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
    return { prompt, lines: details.summary, asker, always: alwaysOffer(details.scopes, settings), ...accounts };
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

export const decidePrompt = defineHandler({
  op: 'prompt.decide',
  uses: ['prompts'],
  handle: ({ id, outcome, did, remember }, { prompts }) =>
    prompts.decide(
      id,
      outcome === 'approve' ? { outcome: 'approve', did, remember } : { outcome: 'reject', reason: 'denied' },
    ),
});
