import { budgetedLookups } from '../../consent/lookup';
import { previewCall } from '../../consent/records';
import { defineHandler } from './handler';

/** Distinct look-ups one preview may make (a request may hold up to 200 writes), and how long it may take. */
const PREVIEW_BUDGET = { max: 64, withinMs: 6_000 };

export const previewPrompt = defineHandler({
  op: 'prompt.preview',
  uses: ['prompts', 'grants', 'lookups'],
  async handle({ id }, { prompts, grants, lookups }) {
    const prompt = await prompts.get(id);
    if (prompt?.details.kind !== 'call') return null;
    const { did, intent } = prompt.details;
    // The grant as it is now: writes it already allows are marked so.
    const grant = await grants.get(prompt.origin, did);
    return previewCall(intent, {
      account: did,
      ...(grant ? { grantedScope: grant.scope } : {}),
      lookups: budgetedLookups(lookups, PREVIEW_BUDGET),
      now: Date.now(),
    });
  },
});
