import { i18n } from '#i18n';
import { BLOCK, FOLLOW, LIKE, LIST_ITEM, POST, PROFILE, REPOST } from '../../../consent/previewable';
import type { WriteAction } from '../../../consent/records';

type Headings = Record<WriteAction, () => string>;

const HEADINGS: Record<string, Headings> = {
  [POST]: {
    create: () => i18n.t('consent.preview.heading.postCreate'),
    update: () => i18n.t('consent.preview.heading.postUpdate'),
    delete: () => i18n.t('consent.preview.heading.postDelete'),
  },
  [LIKE]: {
    create: () => i18n.t('consent.preview.heading.likeCreate'),
    update: () => i18n.t('consent.preview.heading.likeUpdate'),
    delete: () => i18n.t('consent.preview.heading.likeDelete'),
  },
  [REPOST]: {
    create: () => i18n.t('consent.preview.heading.repostCreate'),
    update: () => i18n.t('consent.preview.heading.repostUpdate'),
    delete: () => i18n.t('consent.preview.heading.repostDelete'),
  },
  [FOLLOW]: {
    create: () => i18n.t('consent.preview.heading.followCreate'),
    update: () => i18n.t('consent.preview.heading.followUpdate'),
    delete: () => i18n.t('consent.preview.heading.followDelete'),
  },
  [BLOCK]: {
    create: () => i18n.t('consent.preview.heading.blockCreate'),
    update: () => i18n.t('consent.preview.heading.blockUpdate'),
    delete: () => i18n.t('consent.preview.heading.blockDelete'),
  },
  [PROFILE]: {
    create: () => i18n.t('consent.preview.heading.profileCreate'),
    update: () => i18n.t('consent.preview.heading.profileUpdate'),
    delete: () => i18n.t('consent.preview.heading.profileDelete'),
  },
  [LIST_ITEM]: {
    create: () => i18n.t('consent.preview.heading.listitemCreate'),
    update: () => i18n.t('consent.preview.heading.listitemUpdate'),
    delete: () => i18n.t('consent.preview.heading.listitemDelete'),
  },
};

/** What one write does, in AT Keyring's words ("Delete this post:"); only for the collections the previews know. */
export function writeHeading(collection: string, action: WriteAction): string {
  return HEADINGS[collection]?.[action]() ?? '';
}
