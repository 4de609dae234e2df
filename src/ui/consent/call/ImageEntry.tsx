import { i18n } from '#i18n';
import type { ImageRef } from '../../../consent/records';
import { richText } from '../../rich-text';
import { SiteText } from '../SiteText';
import { byteSize } from './lookup-text';

/**
 * One image of a post or profile: its type, size and alt text. The seam for
 * thumbnails: `image` names the blob (account DID and CID) whose bytes the
 * request uploaded, so a view that has them can draw it here; never from a
 * remote URL.
 */
export function ImageEntry({ image }: { image: ImageRef }) {
  const size = image.size === undefined ? i18n.t('consent.preview.image.unknownSize') : byteSize(image.size);
  return (
    <div class="image-entry" data-testid="preview-image" data-cid={image.cid ?? ''}>
      <p class="preview-label">
        {richText('consent.preview.image.heading', {
          mime: image.mime ? <SiteText text={image.mime} max={128} /> : i18n.t('consent.preview.image.unknownType'),
          size,
        })}
      </p>
      {image.alt !== undefined &&
        (image.alt ? (
          <p>
            <span class="preview-label">{i18n.t('consent.preview.image.altLabel')}</span> <SiteText text={image.alt} />
          </p>
        ) : (
          <p class="note">{i18n.t('consent.preview.image.noAlt')}</p>
        ))}
    </div>
  );
}
