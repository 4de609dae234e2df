import { defineHandler } from './handler';

export const listAccounts = defineHandler({
  op: 'accounts.list',
  uses: ['keyring'],
  handle: (_, { keyring }) => keyring.listAccounts(),
});

export const setActiveAccount = defineHandler({
  op: 'accounts.setActive',
  uses: ['keyring'],
  handle: ({ did }, { keyring }) => keyring.setActive(did).then(() => null),
});

export const signOut = defineHandler({
  op: 'accounts.signOut',
  uses: ['keyring'],
  handle: ({ did }, { keyring }) => keyring.signOut(did),
});

export const checkSession = defineHandler({
  op: 'accounts.check',
  uses: ['keyring'],
  handle: ({ did }, { keyring }) => keyring.checkSession(did),
});

export const startLogin = defineHandler({
  op: 'login.start',
  uses: ['keyring'],
  handle: ({ input }, { keyring }) => keyring.startLogin(input),
});

export const loginStatus = defineHandler({
  op: 'login.status',
  uses: ['keyring'],
  handle: ({ id }, { keyring }) => keyring.loginStatus(id),
});

export const cancelLogin = defineHandler({
  op: 'login.cancel',
  uses: ['keyring'],
  handle: ({ id }, { keyring }) => keyring.cancelLogin(id),
});

export const focusLogin = defineHandler({
  op: 'login.focus',
  uses: ['keyring'],
  handle: ({ id }, { keyring }) => keyring.focusLogin(id),
});
