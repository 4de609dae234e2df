import { describeScope } from '../../permissions/describe';
import { defineHandler } from './handler';

export const getPrompt = defineHandler({
  op: 'prompt.get',
  uses: ['prompts', 'keyring'],
  async handle({ id }, { prompts, keyring }) {
    const prompt = await prompts.get(id);
    if (!prompt) return null;
    const lines = prompt.details.kind === 'connect' ? prompt.details.scope.map(describeScope) : prompt.details.summary;
    return { prompt, lines, ...(await keyring.listAccounts()) };
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
