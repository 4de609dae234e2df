import { defineHandler } from './handler';

export const getSiteAccess = defineHandler({
  op: 'siteAccess.get',
  uses: ['siteAccess'],
  handle: (_, { siteAccess }) => siteAccess.view(),
});

/** The popup asks the browser for the host permissions first (a user gesture), then switches. */
export const setSiteAccessMode = defineHandler({
  op: 'siteAccess.setMode',
  uses: ['siteAccess'],
  handle: ({ mode }, { siteAccess }) => siteAccess.setMode(mode),
});

export const allowSite = defineHandler({
  op: 'siteAccess.allow',
  uses: ['siteAccess'],
  handle: ({ origin }, { siteAccess }) => siteAccess.allow(origin),
});

export const removeSite = defineHandler({
  op: 'siteAccess.remove',
  uses: ['siteAccess'],
  handle: ({ origin }, { siteAccess }) => siteAccess.remove(origin),
});
