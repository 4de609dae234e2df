import { browser } from 'wxt/browser';
import {
  EXTENSION_PAGE_EVENT_CHANNEL,
  type ExtensionPageEvent,
  type ParamsArgument,
  type PrivilegedOp,
  type PrivilegedResponse,
  type PrivilegedResult,
  privilegedRequestMessage,
} from '../protocol/privileged';

/** A failed privileged request, with the background's stable code. */
export class PrivilegedRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls one privileged operation in the background; params and result are typed by the operation map. */
export async function callKeyring<O extends PrivilegedOp>(
  op: O,
  ...params: ParamsArgument<O>
): Promise<PrivilegedResult<O>> {
  const message = privilegedRequestMessage(op, ...params);
  const response = (await browser.runtime.sendMessage(message)) as PrivilegedResponse<O> | undefined;
  if (!response) throw new PrivilegedRequestError('internal', 'AT Keyring did not answer. Try again.');
  if (!response.ok) throw new PrivilegedRequestError(response.error.code, response.error.message);
  return response.result;
}

/** Listens for the background's broadcasts to extension pages; returns the unsubscribe function. */
export function onExtensionPageEvent(listener: (event: ExtensionPageEvent) => void): () => void {
  const handler = (message: unknown) => {
    if (
      typeof message === 'object' &&
      message &&
      (message as { channel?: string }).channel === EXTENSION_PAGE_EVENT_CHANNEL
    ) {
      listener(message as ExtensionPageEvent);
    }
  };
  browser.runtime.onMessage.addListener(handler);
  return () => browser.runtime.onMessage.removeListener(handler);
}
