import { useEffect, useState } from 'preact/hooks';
import type { CallPreview } from '../../../consent/records';
import { callKeyring } from '../../api';

export type PreviewState =
  | { status: 'loading' }
  | { status: 'ready'; preview: CallPreview }
  /** The background could not prepare the preview (or the prompt is gone). */
  | { status: 'failed' };

/**
 * The preview of a call prompt, asked for once when the window shows it. The
 * window does not wait for it: renderers show a placeholder until it comes.
 */
export function usePreview(promptId: string): PreviewState {
  const [state, setState] = useState<PreviewState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    callKeyring('prompt.preview', { id: promptId })
      .then((preview) => live && setState(preview ? { status: 'ready', preview } : { status: 'failed' }))
      .catch(() => live && setState({ status: 'failed' }));
    return () => {
      live = false;
    };
  }, [promptId]);
  return state;
}
