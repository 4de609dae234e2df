import type { ComponentChild } from 'preact';
import type { PromptView } from '../../../protocol/privileged';
import type { PromptDetails } from '../../../storage/db';
import { applyWritesRenderer } from './ApplyWritesRenderer';
import { genericRenderer } from './generic';
import { repoWriteRenderer } from './RepoWriteRenderer';
import { serviceAuthRenderer } from './ServiceAuthRenderer';
import { uploadRenderer } from './upload';

export type CallDetails = Extract<PromptDetails, { kind: 'call' }>;
export type CallIntent = CallDetails['intent'];

export interface CallRendererProps {
  view: PromptView;
  details: CallDetails;
}

/**
 * How the consent window shows one kind of call's content (a post, a delete, an upload…).
 * The first renderer whose `matches` accepts the intent renders it; every site-chosen value
 * goes through SiteText inside a FromSite box.
 */
export interface CallRenderer {
  /** For tests and debugging: which renderer answered. */
  name: string;
  matches(intent: CallIntent): boolean;
  render(props: CallRendererProps): ComponentChild;
}

/** The renderers, most specific first; each kind lives in its own file beside this one. */
export const CALL_RENDERERS: readonly CallRenderer[] = [
  uploadRenderer,
  repoWriteRenderer,
  applyWritesRenderer,
  serviceAuthRenderer,
  // Last: whatever the others decline.
  genericRenderer,
];

export function rendererFor(intent: CallIntent): CallRenderer | undefined {
  return CALL_RENDERERS.find((r) => r.matches(intent));
}
