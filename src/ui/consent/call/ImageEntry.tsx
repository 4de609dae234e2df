import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { i18n } from '#i18n';
import type { ImageRef } from '../../../consent/records';
import type { PromptRecord } from '../../../storage/db';
import { fileSize } from '../../format';
import { richText } from '../../rich-text';
import { BlobThumbnail } from '../BlobThumbnail';
import { SiteText } from '../SiteText';

/**
 * The prompt whose previews are shown: the background serves a blob's bytes for that prompt only, and the
 * window reads avatars only of accounts its request names.
 */
export const PreviewPrompt = createContext<PromptRecord | undefined>(undefined);

/**
 * One image of a post or profile. An image the request's own record names is
 * previewed from its bytes (BlobThumbnail: type, size, alt text, the picture
 * when it may be drawn); one of a fetched record (a post being deleted, a
 * profile's picture as it is now) is described by its type, size and alt text.
 */
export function ImageEntry({ image }: { image: ImageRef }) {
  const promptId = useContext(PreviewPrompt)?.id;
  const noAlt = image.alt === '' && <p class="note">{i18n.t('consent.preview.image.noAlt')}</p>;
  if (image.sent && image.cid && promptId) {
    return (
      <div class="image-entry" data-testid="preview-image" data-cid={image.cid}>
        <BlobThumbnail promptId={promptId} cid={image.cid} mime={image.mime ?? ''} size={image.size} alt={image.alt} />
        {noAlt}
      </div>
    );
  }
  const size = image.size === undefined ? i18n.t('consent.preview.image.unknownSize') : fileSize(image.size);
  return (
    <div class="image-entry" data-testid="preview-image" data-cid={image.cid ?? ''}>
      <p class="preview-label">
        {richText('consent.preview.image.heading', {
          mime: image.mime ? <SiteText text={image.mime} max={128} /> : i18n.t('consent.preview.image.unknownType'),
          size,
        })}
      </p>
      {image.alt ? (
        <p>
          <span class="preview-label">{i18n.t('consent.preview.image.altLabel')}</span> <SiteText text={image.alt} />
        </p>
      ) : (
        noAlt
      )}
    </div>
  );
}
