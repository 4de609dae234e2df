import { useContext, useEffect, useState } from 'preact/hooks';
import type { Avatar } from '../../../consent/avatars';
import { letterBadge } from '../site-badge';
import { PreviewPrompt } from './ImageEntry';
import { loadPreviewModels } from './load-preview-models';

/** How long the window waits for an avatar before it keeps the letter badge. */
const AVATAR_TIMEOUT_MS = 10_000;

/**
 * An account's avatar beside its handle: the picture this window read from
 * the account's PDS and checked (only for an account the prompt's request
 * names, at most AVATARS_PER_PROMPT of them), drawn from a blob: URL made here
 * and only when its bytes are a raster picture; a letter badge while it loads,
 * and when there is none.
 */
export function AccountAvatar({ did, handle }: { did: string; handle?: string }) {
  const prompt = useContext(PreviewPrompt);
  // undefined while the background looks; null: no picture to show.
  const [url, setUrl] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    if (!prompt) {
      setUrl(null);
      return;
    }
    let live = true;
    let made: string | undefined;
    setUrl(undefined);
    const timeout = new Promise<Avatar>((resolve) =>
      setTimeout(() => resolve({ status: 'unavailable', reason: 'failed' }), AVATAR_TIMEOUT_MS),
    );
    Promise.race([loadPreviewModels().then(({ avatarOf }) => avatarOf(prompt, did)), timeout])
      .catch((): Avatar => ({ status: 'unavailable', reason: 'failed' }))
      .then((answer) => {
        if (!live) return;
        // avatarForPrompt gives bytes only of a raster picture, with the type its bytes show.
        if (answer.status !== 'ok') return setUrl(null);
        made = URL.createObjectURL(new Blob([answer.bytes as Uint8Array<ArrayBuffer>], { type: answer.type }));
        setUrl(made);
      });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [prompt, did]);
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
