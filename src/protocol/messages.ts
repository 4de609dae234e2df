/**
 * The light part of the page protocol that every hop needs (message tags,
 * the announced info, the error class): no validators, so the main-world
 * provider bundles nothing else.
 */

import { isPlainObject } from './basics';
import { ATKEYRING_RDNS, CAPABILITIES, CONTRACT_VERSION, ErrorCode, type ProviderErrorShape } from './contract';

/**
 * What AT Keyring announces in `info` (with a fresh `uuid` per page load):
 * the contract version and capabilities come from the contract module.
 */
export const PROVIDER_INFO = Object.freeze({
  name: 'AT Keyring',
  rdns: ATKEYRING_RDNS,
  icon:
    'data:image/svg+xml;base64,' +
    // A key on a blue disc.
    'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCA2NCA2NCI+PGNpcmNsZSBjeD0iMzIiIGN5PSIzMiIgcj0iMzIiIGZpbGw9IiMxNDYzZDgiLz48Y2lyY2xlIGN4PSIyNCIgY3k9IjMyIiByPSI5IiBmaWxsPSJub25lIiBzdHJva2U9IiNmZmYiIHN0cm9rZS13aWR0aD0iNSIvPjxwYXRoIGQ9Ik0zMyAzMmgyMG0tNSAwdjhtLTctOHY2IiBzdHJva2U9IiNmZmYiIHN0cm9rZS13aWR0aD0iNSIgc3Ryb2tlLWxpbmVjYXA9InJvdW5kIiBmaWxsPSJub25lIi8+PC9zdmc+',
  contractVersion: CONTRACT_VERSION,
  capabilities: CAPABILITIES,
} as const);

/** `source` tags of window messages between provider and relay. */
export const WINDOW_REQUEST = 'at-keyring:request';
export const WINDOW_REPLY = 'at-keyring:reply';
export const WINDOW_EVENT = 'at-keyring:event';

/** Message kinds on the relay↔background hop (the relay content script and the background; values are the wire's). */
export const RELAY_REQUEST = 'at-keyring:page-request';
export const RELAY_HELLO = 'at-keyring:page-hello';
export const RELAY_EVENT = 'at-keyring:page-event';
/**
 * Asks whether this channel carries bytes as they are (a structured clone) or as JSON: the message's
 * `probe` is a Uint8Array, and the background says whether it arrived as one.
 */
export const RELAY_PROBE = 'at-keyring:page-probe';
/**
 * Sent by the relay of a visible top-level document whose site is connected, every 20 s: it keeps the
 * background from being stopped as idle. Its answer says whether to go on (src/relay/keep-alive.ts).
 */
export const RELAY_KEEPALIVE = 'at-keyring:page-keepalive';
/** The probe's bytes, compared on arrival. */
export const PROBE_BYTES: readonly number[] = [0x61, 0x74, 0x6b];

/** What `provider.request` rejects with. */
export class ProviderRpcError extends Error implements ProviderErrorShape {
  name = 'ProviderRpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
  toJSON(): ProviderErrorShape {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** A ProviderErrorShape from anything (used where errors cross a boundary). */
export function asProviderError(value: unknown): ProviderErrorShape {
  if (isPlainObject(value) && typeof value.code === 'number' && typeof value.message === 'string') {
    return {
      code: value.code,
      message: value.message.slice(0, 1000),
      ...(value.data !== undefined ? { data: value.data } : {}),
    };
  }
  return { code: ErrorCode.internal, message: 'Internal error' };
}
