import { rawCidOfSha256Hex } from '../../../consent/cid';
import { BlobThumbnail } from '../BlobThumbnail';
import { FromSite } from '../SiteText';
import type { CallRenderer } from './registry';

/** A call that sends a file (uploadBlob, or any binary body): the file itself, previewed from its bytes. */
export const uploadRenderer: CallRenderer = {
  name: 'upload',
  matches: (intent) => intent.body.kind === 'bytes',
  render({ view, details }) {
    const { body } = details.intent;
    if (body.kind !== 'bytes') return null;
    return (
      <FromSite origin={view.prompt.origin}>
        <BlobThumbnail
          promptId={view.prompt.id}
          cid={rawCidOfSha256Hex(body.sha256)}
          mime={body.encoding}
          size={body.size}
        />
      </FromSite>
    );
  },
};
