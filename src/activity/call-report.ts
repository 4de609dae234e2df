import type { XrpcIntent } from '../broker/intent';
import type { XrpcResult } from '../protocol/page';

/**
 * What the broker tells observers (the activity log, the toolbar badge) about every
 * call that reached the account's grant: the request as judged and sent, whether a
 * person was asked, and how it ended. Calls refused before an account was known
 * (unconnected site, malformed request) are not reported: they acted as no one.
 */
export interface CallReport {
  at: number;
  origin: string;
  /** The account the call acted (or would have acted) as. */
  did: string;
  /** `atproto_xrpc` or `atproto_serviceAuth` (the intent is then the getServiceAuth call). */
  method: 'atproto_xrpc' | 'atproto_serviceAuth';
  intent: XrpcIntent;
  /** A consent window was shown for it (false: the grant covered it, or the call needs none). */
  prompted: boolean;
  /** The user chose "Always allow" in that window, and the grant was extended. */
  remembered: boolean;
  outcome: CallOutcome;
}

export type CallOutcome =
  /** The PDS answered (any status: a 4xx is an answer, not a failure of ours). */
  | { kind: 'answered'; status: number; result: XrpcResult }
  /** The user turned it down, closed the window, or let it expire. */
  | { kind: 'rejected'; reason: 'denied' | 'closed' | 'expired' }
  /** No answer from the PDS, or refused by the broker after the grant check (code, reason). */
  | { kind: 'failed'; code: number; reason?: string };

/**
 * One observer of brokered calls. The broker calls it before answering the page but does not wait for what it
 * returns: an observer queues its storage work in order, and its own readers wait for that queue (the activity
 * log's listing, the write alerts' state). An observer's failure is logged and never changes the page's answer.
 */
export type CallObserver = (report: CallReport) => void | Promise<void>;
