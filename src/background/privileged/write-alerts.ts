import { defineHandler } from './handler';

export const recentWrites = defineHandler({
  op: 'writeAlerts.recent',
  uses: ['writeAlerts'],
  handle: (_, { writeAlerts }) => writeAlerts.recent(),
});

export const getNotify = defineHandler({
  op: 'writeAlerts.getNotify',
  uses: ['writeAlerts'],
  handle: ({ origin }, { writeAlerts }) => writeAlerts.notifies(origin),
});

export const setNotify = defineHandler({
  op: 'writeAlerts.setNotify',
  uses: ['writeAlerts'],
  handle: ({ origin, on }, { writeAlerts }) => writeAlerts.setNotify(origin, on).then(() => null),
});
