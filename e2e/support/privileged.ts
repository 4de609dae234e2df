import {
  type ParamsArgument,
  type PrivilegedOp,
  type PrivilegedResponse,
  privilegedRequestMessage,
} from '../../src/protocol/privileged';
import type { PageScope } from './driver';

/**
 * Sends one privileged request from an extension page, as the page's own code
 * does, and answers the background's raw response. Typed by the operation map,
 * so a renamed operation or changed params break the test at compile time.
 */
export function sendPrivileged<O extends PrivilegedOp>(
  /** An extension page (popup, consent window), Playwright's or a driver's. */
  page: PageScope,
  op: O,
  ...params: ParamsArgument<O>
): Promise<PrivilegedResponse<O>> {
  return page.evaluate(
    (message) => (globalThis as any).chrome.runtime.sendMessage(message),
    privilegedRequestMessage(op, ...params),
  );
}
