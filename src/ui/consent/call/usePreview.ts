import { useEffect, useState } from 'preact/hooks';
import type { CallPreview } from '../../../consent/records';
import type { PromptView } from '../../../protocol/privileged';
import { loadPreviewModels } from './load-preview-models';

export type PreviewState =
  | { status: 'loading' }
  | { status: 'ready'; preview: CallPreview }
  /** The preview could not be prepared (or the prompt is not a call). */
  | { status: 'failed' };

/**
 * The preview of a call prompt, built once when the window shows it, with the window's own look-ups. The
 * window does not wait for it: renderers show a placeholder until it comes.
 */
export function usePreview(view: PromptView): PreviewState {
  const [state, setState] = useState<PreviewState>({ status: 'loading' });
  const { prompt, grantedScope } = view;
  useEffect(() => {
    let live = true;
    loadPreviewModels()
      .then(({ previewOf }) => previewOf(prompt, grantedScope))
      .then((preview) => live && setState(preview ? { status: 'ready', preview } : { status: 'failed' }))
      .catch(() => live && setState({ status: 'failed' }));
    return () => {
      live = false;
    };
  }, [prompt, grantedScope]);
  return state;
}
