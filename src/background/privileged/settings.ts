import { defineHandler } from './handler';

export const getSettings = defineHandler({
  op: 'settings.get',
  uses: ['keyring'],
  handle: (_, { keyring }) => keyring.settings(),
});

export const updateSettings = defineHandler({
  op: 'settings.update',
  uses: ['keyring'],
  handle: ({ settings }, { keyring }) => keyring.updateSettings(settings),
});
