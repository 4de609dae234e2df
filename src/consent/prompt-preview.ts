/**
 * A call prompt's preview, built where it is shown: the consent window runs the models of records.ts with
 * its own public look-ups, so the background (whose every byte a wake of the service worker evaluates) does
 * not carry them.
 */
import type { PromptRecord } from '../storage/db';
import { budgetedLookups, type ConsentLookups } from './lookup';
import { type CallPreview, previewCall } from './records';

/** Distinct look-ups one preview may make (a request may hold up to 200 writes), and how long it may take. */
export const PREVIEW_BUDGET = { max: 64, withinMs: 6_000 };

/** The preview of a call prompt against the grant the window was given with it; null for a connect prompt. */
export function previewPrompt(
  prompt: PromptRecord,
  grantedScope: string | undefined,
  lookups: ConsentLookups,
  now = Date.now(),
): Promise<CallPreview> | null {
  if (prompt.details.kind !== 'call') return null;
  const { did, intent } = prompt.details;
  return previewCall(intent, {
    account: did,
    ...(grantedScope ? { grantedScope } : {}),
    lookups: budgetedLookups(lookups, PREVIEW_BUDGET),
    now,
  });
}
