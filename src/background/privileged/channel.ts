import { AccountError } from '../../accounts/errors';
import { ActivityError } from '../../activity/activity-log';
import { GrantError } from '../../broker/grants';
import {
  type PrivilegedOp,
  type PrivilegedParams,
  type PrivilegedRequest,
  type PrivilegedResponse,
  type PrivilegedResult,
  privilegedRequest,
} from '../../protocol/privileged';
import { SchemaError } from '../../protocol/schema';
import { SiteAccessError } from '../../site-access/control';
import type { PrivilegedHandler, PrivilegedServices } from './handler';
import { privilegedRoutes } from './routes';

/**
 * True only for the extension's own pages (popup, consent window). Content
 * scripts share the extension id but run inside web pages, so the sender's
 * URL (set by the browser) must be an extension page.
 */
export function isExtensionPage(
  sender: { id?: string; url?: string },
  extensionId: string,
  extensionOrigin: string,
): boolean {
  return sender.id === extensionId && (sender.url ?? '').startsWith(extensionOrigin);
}

/** Checks a message from an extension page, runs its operation's handler, and maps failures to stable codes. */
export async function handlePrivilegedRequest(services: PrivilegedServices, raw: unknown): Promise<PrivilegedResponse> {
  let request: PrivilegedRequest;
  try {
    request = privilegedRequest(raw);
  } catch (err) {
    const message = err instanceof SchemaError ? err.message : 'Malformed request';
    return { ok: false, error: { code: 'invalid-request', message } };
  }
  const { op, ...params } = request;
  try {
    // TypeScript cannot pair a union op with its own handler; the route table's type guarantees the pair.
    const handler = privilegedRoutes[op] as PrivilegedHandler<typeof op>;
    return { ok: true, result: await runHandler(handler, params as PrivilegedParams<typeof op>, services) };
  } catch (err) {
    if (
      err instanceof AccountError ||
      err instanceof GrantError ||
      err instanceof SiteAccessError ||
      err instanceof ActivityError
    ) {
      return { ok: false, error: { code: err.code, message: err.message } };
    }
    console.error('AT Keyring: privileged request failed', op, err);
    return { ok: false, error: { code: 'internal', message: 'Something went wrong inside AT Keyring.' } };
  }
}

/** Runs a handler with exactly the services it declared. */
export function runHandler<O extends PrivilegedOp, U extends keyof PrivilegedServices>(
  handler: PrivilegedHandler<O, U>,
  params: PrivilegedParams<O>,
  services: PrivilegedServices,
): Promise<PrivilegedResult<O>> {
  const declared = Object.fromEntries(handler.uses.map((name) => [name, services[name]])) as Pick<
    PrivilegedServices,
    U
  >;
  return handler.handle(params, declared);
}
