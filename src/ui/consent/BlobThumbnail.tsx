import type { ComponentChild } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { PREVIEW_MAX_BYTES } from '../../consent/preview-limits';
import { declaredDisagrees, detectFile, type PreviewDecision, previewDecision } from '../../consent/sniff';
import type { BlobPreviewView } from '../../protocol/privileged';
import { fromBase64 } from '../../protocol/wire';
import { callKeyring } from '../api';
import { fileSize } from '../format';
import { richText } from '../rich-text';
import { SiteText } from './SiteText';

/** How long the window waits for the bytes before it says the preview failed. */
const PREVIEW_TIMEOUT_MS = 10_000;

type Loaded =
  | { state: 'loading' }
  | { state: 'unavailable'; reason: Extract<BlobPreviewView, { status: 'unavailable' }>['reason'] }
  | { state: 'ready'; bytes: Uint8Array };

export interface BlobThumbnailProps {
  /** The prompt whose request sends or refers to the file (the background serves nothing else). */
  promptId: string;
  cid: string;
  /** The type the site declared (the blob ref's mimeType, the upload's encoding). */
  mime: string;
  /** The size the site declared, shown until the bytes arrive. */
  size?: number;
  /** The site's alt text for the image. */
  alt?: string;
}

/**
 * A file of the request, previewed from its very bytes: a thumbnail when
 * the bytes are a raster picture of known, bounded size (drawn from a blob:
 * URL made here, never a remote address), else a description; the declared
 * type and a warning when the bytes disagree with it. For the post renderer:
 * `<BlobThumbnail promptId={view.prompt.id} cid={ref.cid} mime={ref.mimeType} size={ref.size} alt={alt} />`.
 */
export function BlobThumbnail({ promptId, cid, mime, size, alt }: BlobThumbnailProps) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    const timeout = new Promise<BlobPreviewView>((resolve) =>
      setTimeout(() => resolve({ status: 'unavailable', reason: 'failed' }), PREVIEW_TIMEOUT_MS),
    );
    Promise.race([callKeyring('prompt.blob', { id: promptId, cid }), timeout])
      .catch((): BlobPreviewView => ({ status: 'unavailable', reason: 'failed' }))
      .then((answer) => {
        if (!current) return;
        setLoaded(
          answer.status === 'ok'
            ? { state: 'ready', bytes: fromBase64(answer.base64) }
            : { state: 'unavailable', reason: answer.reason },
        );
      });
    return () => {
      current = false;
    };
  }, [promptId, cid]);

  const facts: ComponentChild[] = [
    <li>{richText('consent.file.declared', { mime: <SiteText text={mime} max={200} /> })}</li>,
  ];
  const shownSize = loaded.state === 'ready' ? loaded.bytes.byteLength : size;
  if (shownSize !== undefined)
    facts.push(<li data-testid="blob-size">{i18n.t('consent.file.size', { size: fileSize(shownSize) })}</li>);
  if (alt) facts.push(<li>{richText('consent.file.alt', { alt: <SiteText text={alt} max={2_000} /> })}</li>);

  return (
    <figure class="blob-preview" data-testid="blob-preview" data-state={loaded.state}>
      {loaded.state === 'loading' && <p class="note">{i18n.t('consent.file.loading')}</p>}
      {loaded.state === 'unavailable' && (
        <p class="note" data-testid="blob-unavailable" data-reason={loaded.reason}>
          {unavailableText(loaded.reason)}
        </p>
      )}
      {loaded.state === 'ready' && <FromBytes bytes={loaded.bytes} mime={mime} />}
      <figcaption>
        <ul class="blob-facts">{facts}</ul>
      </figcaption>
    </figure>
  );
}

function unavailableText(reason: Extract<Loaded, { state: 'unavailable' }>['reason']): string {
  switch (reason) {
    case 'not-referenced':
      return i18n.t('consent.file.notReferenced');
    case 'too-large':
      return i18n.t('consent.file.tooLarge', { max: fileSize(PREVIEW_MAX_BYTES) });
    case 'not-found':
      return i18n.t('consent.file.notFound');
    case 'failed':
      return i18n.t('consent.file.failed');
  }
}

/** What the bytes are, and the picture when they may be drawn. */
function FromBytes({ bytes, mime }: { bytes: Uint8Array; mime: string }) {
  const detected = useMemo(() => detectFile(bytes), [bytes]);
  const decision = previewDecision(detected);
  const mismatch = declaredDisagrees(mime, detected);
  return (
    <>
      {decision.show ? <Picture bytes={bytes} decision={decision} /> : <p class="note">{notDrawnText(decision)}</p>}
      {mismatch && (
        <p class="warning" data-testid="blob-mismatch">
          {richText('consent.file.mismatch', {
            declared: (
              <code>
                <SiteText text={mime} max={200} />
              </code>
            ),
            actual:
              detected.kind === 'other' ? (
                i18n.t('consent.file.actualOther')
              ) : (
                <code>{detected.kind === 'svg' ? 'image/svg+xml' : detected.type}</code>
              ),
          })}
        </p>
      )}
    </>
  );
}

function notDrawnText(decision: Extract<PreviewDecision, { show: false }>): string {
  switch (decision.reason) {
    case 'svg':
      return i18n.t('consent.file.svg');
    case 'not-an-image':
      return i18n.t('consent.file.notPicture');
    case 'unknown-dimensions':
      return i18n.t('consent.file.unknownDimensions');
    case 'too-many-pixels':
      return i18n.t('consent.file.tooManyPixels', {
        width: String(decision.width),
        height: String(decision.height),
      });
  }
}

/** The picture, from a blob: URL of the bytes typed as what they were found to be (never as declared). */
function Picture({ bytes, decision }: { bytes: Uint8Array; decision: Extract<PreviewDecision, { show: true }> }) {
  const url = useMemo(
    () => URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: decision.type })),
    [bytes, decision.type],
  );
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <>
      <img
        class="blob-thumbnail"
        data-testid="blob-thumbnail"
        src={url}
        width={decision.width}
        height={decision.height}
        alt={i18n.t('consent.file.previewAlt')}
      />
      <p class="note">
        {i18n.t('consent.file.picture', {
          type: decision.type,
          width: String(decision.width),
          height: String(decision.height),
        })}
      </p>
    </>
  );
}
