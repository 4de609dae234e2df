import { defineHandler } from './handler';

/** A page of the log holds this many entries unless the page asks for fewer. */
const PAGE_SIZE = 50;

export const listActivity = defineHandler({
  op: 'activity.list',
  uses: ['activity'],
  handle: ({ origin, did, before, limit }, { activity }) =>
    activity.list({
      ...(origin === undefined ? {} : { origin }),
      ...(did === undefined ? {} : { did }),
      ...(before === undefined ? {} : { before }),
      limit: limit ?? PAGE_SIZE,
    }),
});

export const listReads = defineHandler({
  op: 'activity.reads',
  uses: ['activity'],
  handle: ({ origin, did }, { activity }) =>
    activity.reads({ ...(origin === undefined ? {} : { origin }), ...(did === undefined ? {} : { did }) }),
});

export const activityFacets = defineHandler({
  op: 'activity.facets',
  uses: ['activity'],
  handle: (_, { activity }) => activity.facets(),
});

export const exportActivity = defineHandler({
  op: 'activity.export',
  uses: ['activity'],
  handle: (_, { activity }) => activity.export(),
});

export const undoActivity = defineHandler({
  op: 'activity.undo',
  uses: ['activity'],
  handle: ({ id }, { activity }) => activity.undo(id),
});
