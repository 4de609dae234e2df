import type { Keyring } from '../../accounts/keyring';
import type { ActivityLog } from '../../activity/activity-log';
import type { WriteAlerts } from '../../activity/write-alerts';
import type { Broker } from '../../broker/broker';
import type { GrantStore } from '../../broker/grants';
import type { PromptManager } from '../../broker/prompts';
import type { BlobPreviews } from '../../consent/blob-previews';
import type { SiteIcons } from '../../consent/site-icon';
import type { PrivilegedOp, PrivilegedParams, PrivilegedResult } from '../../protocol/privileged';
import type { SiteAccessControl } from '../../site-access/control';

/** What privileged handlers may use; each handler declares the ones it needs and is given only those. */
export interface PrivilegedServices {
  keyring: Keyring;
  broker: Broker;
  grants: GrantStore;
  prompts: PromptManager;
  siteIcons: SiteIcons;
  previews: BlobPreviews;
  /** The toolbar badge's recent writes and the per-site "notify" setting. */
  writeAlerts: WriteAlerts;
  siteAccess: SiteAccessControl;
  /** What sites did: writes, prompted calls, service tokens; reads counted per day. */
  activity: ActivityLog;
}

/** The background's side of one privileged operation. */
export interface PrivilegedHandler<
  O extends PrivilegedOp,
  U extends keyof PrivilegedServices = keyof PrivilegedServices,
> {
  op: O;
  uses: readonly U[];
  /** Gets the request's params (already checked against the operation's schema). */
  handle(params: PrivilegedParams<O>, services: Pick<PrivilegedServices, U>): Promise<PrivilegedResult<O>>;
}

/** Types a handler against the operation map: its params, its result and the services it declared. */
export const defineHandler = <O extends PrivilegedOp, U extends keyof PrivilegedServices>(
  handler: PrivilegedHandler<O, U>,
): PrivilegedHandler<O, U> => handler;
