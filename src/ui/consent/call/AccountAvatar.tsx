import { useContext, useEffect, useState } from 'preact/hooks';
import { detectFile } from '../../../consent/sniff';
import type { AvatarView } from '../../../protocol/privileged';
import { fromBase64 } from '../../../protocol/wire';
import { callKeyring } from '../../api';
import { letterBadge } from '../site-badge';
import { PreviewPrompt } from './ImageEntry';

/** How long the window waits for an avatar before it keeps the letter badge. */
const AVATAR_TIMEOUT_MS = 10_000;

/**
 * An account's avatar beside its handle: the picture the background read from
 * the account's PDS and checked (served only for an account the prompt's
 * request names), drawn from a blob: URL made here and only when its bytes are
 * a raster picture; a letter badge while it loads, and when there is none.
 */
export function AccountAvatar({ did, handle }: { did: string; handle?: string }) {
  const promptId = useContext(PreviewPrompt);
  // undefined while the background looks; null: no picture to show.
  const [url, setUrl] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    if (!promptId) {
      setUrl(null);
      return;
    }
    let live = true;
    let made: string | undefined;
    setUrl(undefined);
    const timeout = new Promise<AvatarView>((resolve) =>
      setTimeout(() => resolve({ status: 'unavailable', reason: 'failed' }), AVATAR_TIMEOUT_MS),
    );
    Promise.race([callKeyring('prompt.avatar', { id: promptId, did }), timeout])
      .catch((): AvatarView => ({ status: 'unavailable', reason: 'failed' }))
      .then((answer) => {
        if (!live) return;
        const bytes = answer.status === 'ok' ? fromBase64(answer.base64) : undefined;
        // The window checks the bytes again: only a raster picture becomes an image, with the type its bytes show.
        const detected = bytes && detectFile(bytes);
        if (!bytes || detected?.kind !== 'raster') return setUrl(null);
        made = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: detected.type }));
        setUrl(made);
      });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [promptId, did]);
  if (url) return <img class="account-avatar" src={url} alt="" width={24} height={24} data-testid="preview-avatar" />;
  const badge = letterBadge(handle ?? did.slice(did.lastIndexOf(':') + 1), did);
  return (
    <span
      class="account-avatar account-badge"
      aria-hidden="true"
      style={`background-color: hsl(${badge.hue} 55% 28%)`}
      data-testid="preview-avatar-badge"
      data-avatar={url === undefined ? 'loading' : 'badge'}
      // Drawn by CSS: a decoration, not part of the line's text (which reads "@handle did").
      data-letter={badge.letter}
    />
  );
}
