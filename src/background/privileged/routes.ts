import type { PrivilegedOp } from '../../protocol/privileged';
import {
  cancelLogin,
  checkSession,
  focusLogin,
  listAccounts,
  loginStatus,
  setActiveAccount,
  signOut,
  startLogin,
} from './accounts';
import { activityFacets, exportActivity, listActivity, listReads, undoActivity } from './activity';
import { listGrants, removeScope, restoreGrants, revokeGrants } from './grants';
import type { PrivilegedHandler } from './handler';
import { decidePrompt, getPrompt, getSiteIcon, promptBlob } from './prompts';
import { getSettings, updateSettings } from './settings';
import { allowSite, getSiteAccess, removeSite, setSiteAccessMode } from './site-access';
import { getNotify, recentWrites, setNotify } from './write-alerts';

/** Which handler answers each operation; an operation without one does not compile. */
export const privilegedRoutes: { readonly [O in PrivilegedOp]: PrivilegedHandler<O> } = {
  'accounts.list': listAccounts,
  'accounts.setActive': setActiveAccount,
  'accounts.signOut': signOut,
  'accounts.check': checkSession,
  'login.start': startLogin,
  'login.status': loginStatus,
  'login.cancel': cancelLogin,
  'login.focus': focusLogin,
  'settings.get': getSettings,
  'settings.update': updateSettings,
  'prompt.get': getPrompt,
  'prompt.siteIcon': getSiteIcon,
  'prompt.decide': decidePrompt,
  'prompt.blob': promptBlob,
  'grants.list': listGrants,
  'grants.revoke': revokeGrants,
  'grants.restore': restoreGrants,
  'grants.removeScope': removeScope,
  'writeAlerts.recent': recentWrites,
  'writeAlerts.getNotify': getNotify,
  'writeAlerts.setNotify': setNotify,
  'siteAccess.get': getSiteAccess,
  'siteAccess.setMode': setSiteAccessMode,
  'siteAccess.allow': allowSite,
  'siteAccess.remove': removeSite,
  'activity.list': listActivity,
  'activity.reads': listReads,
  'activity.facets': activityFacets,
  'activity.export': exportActivity,
  'activity.undo': undoActivity,
};
