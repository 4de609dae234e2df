import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import type { ActivityEntry, LoggedOutcome, UndoResult } from '../../activity/activity-log';
import { changeLine } from '../../activity/write-alert-text';
import { callKeyring } from '../api';
import { SiteText } from '../consent/SiteText';
import { absoluteTime, fileSize } from '../format';
import { EntryPreview } from './EntryPreview';

/** One thing a site did, in words: what, as whom, whether the user was asked, how it ended; its content on demand. */
export function ActivityItem(props: { entry: ActivityEntry; accountName(did: string): string; onUndone(): void }) {
  const { entry } = props;
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<UndoResult>();
  const [error, setError] = useState('');

  const undoable = !entry.undone && !!entry.created?.length && entry.outcome.kind === 'answered';
  const undo = async () => {
    setBusy(true);
    try {
      const done = await callKeyring('activity.undo', { id: entry.id! });
      setResult(done);
      setConfirming(false);
      props.onUndone();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      class="activity-entry"
      data-testid="activity-entry"
      data-id={entry.id}
      data-method={entry.method}
      data-origin={entry.origin}
    >
      <p class="activity-what">
        <strong>{what(entry)}</strong>
      </p>
      {entry.text !== undefined && (
        <p class="activity-text" data-testid="activity-text">
          <SiteText text={entry.text} max={280} />
        </p>
      )}
      <p class="note">
        {i18n.t('activity.entry.byline', {
          origin: entry.origin,
          account: props.accountName(entry.did),
          time: absoluteTime(entry.at),
        })}
      </p>
      <p class="note" data-testid="activity-how">
        {how(entry)} · <span data-testid="activity-outcome">{outcomeText(entry.outcome)}</span>
      </p>
      {entry.undone && (
        <p class="note" data-testid="activity-undone">
          {i18n.t('activity.entry.undone', { time: absoluteTime(entry.undone.at) })}
        </p>
      )}
      <div class="activity-actions">
        <button
          type="button"
          class="link"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          data-testid="activity-details"
        >
          {open ? i18n.t('activity.entry.hideDetails') : i18n.t('activity.entry.showDetails')}
        </button>
        {undoable && !confirming && (
          <button type="button" class="secondary" onClick={() => setConfirming(true)} data-testid="activity-undo">
            {i18n.t('activity.undo.button')}
          </button>
        )}
      </div>
      {open && !confirming && <EntryPreview entry={entry} />}
      {confirming && (
        <div class="activity-confirm" role="alertdialog" aria-label={i18n.t('activity.undo.confirmHeading')}>
          <p>
            <strong>{i18n.t('activity.undo.confirmHeading')}</strong>
          </p>
          <p>{i18n.t('activity.undo.confirmText', { account: props.accountName(entry.did) })}</p>
          <EntryPreview entry={entry} />
          <ul class="activity-records" data-testid="activity-undo-records">
            {entry.created?.map((record) => (
              <li key={record.uri}>
                <code>{record.uri}</code>
              </li>
            ))}
          </ul>
          <div class="activity-actions">
            <button type="button" class="danger" disabled={busy} onClick={undo} data-testid="activity-undo-confirm">
              {i18n.t('activity.undo.confirmButton')}
            </button>
            <button type="button" class="secondary" disabled={busy} onClick={() => setConfirming(false)}>
              {i18n.t('activity.undo.cancelButton')}
            </button>
          </div>
        </div>
      )}
      {result && (
        <p role="status" data-testid="activity-undo-result">
          {i18n.t('activity.undo.deleted', result.deleted.length, { count: String(result.deleted.length) })}
          {result.kept.map((kept) => (
            <span key={kept.uri} class="activity-kept">
              {' '}
              {i18n.t('activity.undo.kept', { uri: kept.uri, reason: kept.reason })}
            </span>
          ))}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** The entry's headline: its changes, its service token, or the method it called. */
function what(entry: ActivityEntry): string {
  if (entry.method === 'undo') return i18n.t('activity.entry.undo');
  if (entry.method === 'atproto_serviceAuth') {
    const { aud, lxm } = entry.intent.params as { aud?: string; lxm?: string };
    return lxm
      ? i18n.t('activity.entry.serviceToken', { aud: String(aud), lxm })
      : i18n.t('activity.entry.serviceTokenAnyMethod', { aud: String(aud) });
  }
  if (entry.changes?.length) {
    const lines = entry.changes.map(changeLine).join(' · ');
    const body = entry.intent.body;
    return body.kind === 'bytes' ? `${lines} · ${fileSize(body.size)}` : lines;
  }
  return i18n.t('activity.entry.call', { nsid: entry.intent.nsid });
}

function how(entry: ActivityEntry): string {
  if (entry.method === 'undo') return i18n.t('activity.entry.byYou');
  if (entry.remembered) return i18n.t('activity.entry.remembered');
  return entry.prompted ? i18n.t('activity.entry.prompted') : i18n.t('activity.entry.covered');
}

export function outcomeText(outcome: LoggedOutcome): string {
  switch (outcome.kind) {
    case 'answered':
      return outcome.status >= 200 && outcome.status < 300
        ? i18n.t('activity.outcome.done')
        : i18n.t('activity.outcome.status', { status: String(outcome.status), error: outcome.error ?? '' });
    case 'rejected':
      if (outcome.reason === 'denied') return i18n.t('activity.outcome.denied');
      if (outcome.reason === 'closed') return i18n.t('activity.outcome.closed');
      return i18n.t('activity.outcome.expired');
    case 'failed':
      // An undo that left a record in place because it changed since the site wrote it.
      if (outcome.reason === 'InvalidSwap') return i18n.t('activity.outcome.changedSince');
      return i18n.t('activity.outcome.failed', { reason: outcome.reason ?? String(outcome.code) });
  }
}
