import type { ComponentChild } from 'preact';
import { i18n } from '#i18n';
import { POST } from '../../../consent/previewable';
import type {
  FieldChange,
  FieldValue,
  PostContent,
  RecordContent,
  RecordRef,
  RichSegment,
} from '../../../consent/records';
import { richText } from '../../rich-text';
import { RecordTree } from '../RecordTree';
import { SiteText } from '../SiteText';
import { SITE_TEXT_MAX } from '../site-text';
import { AccountLine } from './AccountLine';
import { ImageEntry } from './ImageEntry';
import { lookupFailedLine } from './lookup-text';

/**
 * A record's content as the request will write it (or, for a delete, as it is now). `record` is the
 * request's own record, drawn as a tree when its collection is one the previews do not know.
 */
export function RecordView({ content, record }: { content: RecordContent; record?: unknown }) {
  switch (content.type) {
    case 'post':
      return (
        <div class="record" data-testid="preview-post">
          <PostView post={content.post} />
          <OtherFields fields={content.otherFields} />
        </div>
      );
    case 'like':
    case 'repost':
      return (
        <div class="record" data-testid={`preview-${content.type}`}>
          <RecordRefView record={content.subject} />
          <OtherFields fields={content.otherFields} />
        </div>
      );
    case 'follow':
    case 'block':
      return (
        <div class="record" data-testid={`preview-${content.type}`}>
          <p>
            <AccountLine account={content.subject} />
          </p>
          {content.profile.ok ? (
            <p data-testid="preview-profile-summary">
              {content.profile.value.displayName ? (
                richText('consent.preview.profile.displayName', {
                  name: <SiteText text={content.profile.value.displayName} max={640} />,
                })
              ) : (
                <span class="note">{i18n.t('consent.preview.profile.noDisplayName')}</span>
              )}
              {' · '}
              {content.profile.value.hasAvatar
                ? i18n.t('consent.preview.profile.hasAvatar')
                : i18n.t('consent.preview.profile.noAvatar')}
            </p>
          ) : (
            <FailedLine failure={content.profile.failure} />
          )}
          <OtherFields fields={content.otherFields} />
        </div>
      );
    case 'profile':
      return (
        <div class="record" data-testid="preview-profile">
          {!content.before.ok && <p class="note">{i18n.t('consent.preview.profile.beforeUnavailable')}</p>}
          {content.changes.length === 0 ? (
            <p class="note">{i18n.t('consent.preview.profile.noChanges')}</p>
          ) : (
            <dl class="changes">
              {content.changes.map((change) => (
                <ChangeView change={change} />
              ))}
            </dl>
          )}
        </div>
      );
    case 'listitem': {
      const { list, member } = content;
      return (
        <div class="record" data-testid="preview-listitem">
          <p>
            <span class="preview-label">{i18n.t('consent.preview.list.member')}</span> <AccountLine account={member} />
          </p>
          <p data-testid="preview-list">
            {list.name.ok ? (
              richText('consent.preview.list.name', { name: <SiteText text={list.name.value} max={640} /> })
            ) : (
              <FailedLine failure={list.name.failure} />
            )}
          </p>
          {list.owner && (
            <p class="preview-label">
              {richText('consent.preview.list.owner', { account: <AccountLine account={list.owner} /> })}
            </p>
          )}
          {list.purpose === 'app.bsky.graph.defs#modlist' && (
            <p class="preview-warning">{i18n.t('consent.preview.list.moderation')}</p>
          )}
          <OtherFields fields={content.otherFields} />
        </div>
      );
    }
    case 'missing':
      return (
        <p class="preview-warning" data-testid="preview-missing">
          {i18n.t('consent.preview.missing')}
        </p>
      );
    case 'unavailable':
      return <FailedLine failure={content.failure} />;
    case 'malformed':
      return <p class="preview-warning">{i18n.t('consent.preview.malformed')}</p>;
    case 'unknown':
      return <RecordTree value={content.existing ?? record} />;
  }
}

function FailedLine({ failure }: { failure: Parameters<typeof lookupFailedLine>[0] }) {
  return (
    <p class="note" data-testid="preview-lookup-failed">
      {lookupFailedLine(failure)}
    </p>
  );
}

function OtherFields({ fields }: { fields: string[] }) {
  if (fields.length === 0) return null;
  return (
    <p class="note" data-testid="preview-other-fields">
      {richText('consent.preview.otherFields', { fields: <SiteText text={fields.join(', ')} max={600} /> })}
    </p>
  );
}

function PostView({ post }: { post: PostContent }) {
  return (
    <>
      {post.reply && (
        <>
          {post.reply.root && <RecordRefView record={post.reply.root} relation="threadRoot" />}
          <RecordRefView record={post.reply.parent} relation="replyTo" />
        </>
      )}
      <p class="post-text" data-testid="preview-post-text">
        <PostText segments={post.segments} />
      </p>
      <FacetNotes segments={post.segments} />
      {post.ignoredFacets > 0 && (
        <p class="preview-warning">
          {i18n.t('consent.preview.post.ignoredFacets', { count: String(post.ignoredFacets) })}
        </p>
      )}
      {post.images.map((image) => (
        <ImageEntry image={image} />
      ))}
      {post.video && (
        <>
          <p class="preview-label">{i18n.t('consent.preview.post.video')}</p>
          <ImageEntry image={post.video} />
        </>
      )}
      {post.external && (
        <div class="record-ref" data-testid="preview-external">
          <p class="preview-label">{i18n.t('consent.preview.post.externalLink')}</p>
          <p>
            <code>
              <SiteText text={post.external.uri} max={2048} />
            </code>
          </p>
          {post.external.title && (
            <p>
              <strong>
                <SiteText text={post.external.title} max={600} />
              </strong>
            </p>
          )}
          {post.external.description && (
            <p>
              <SiteText text={post.external.description} max={1000} />
            </p>
          )}
          {post.external.thumb && <ImageEntry image={post.external.thumb} />}
        </div>
      )}
      {post.quote && <RecordRefView record={post.quote} relation="quotes" />}
      <ListLine entries={post.langs} kind="langs" />
      <ListLine entries={post.labels} kind="labels" />
      <ListLine entries={post.tags} kind="tags" />
    </>
  );
}

function ListLine({ entries, kind }: { entries: string[]; kind: 'langs' | 'labels' | 'tags' }) {
  if (entries.length === 0) return null;
  const value = <SiteText text={entries.join(', ')} max={600} />;
  return (
    <p class="preview-label" data-testid={`preview-${kind}`}>
      {kind === 'langs'
        ? richText('consent.preview.post.langs', { langs: value })
        : kind === 'labels'
          ? richText('consent.preview.post.labels', { labels: value })
          : richText('consent.preview.post.tags', { tags: value })}
    </p>
  );
}

/**
 * The post's text as apps will show it, capped as one text: past the cap, the
 * rest of it (facets and all) is one cut marker.
 */
function PostText({ segments }: { segments: RichSegment[] }) {
  if (segments.every((s) => s.text === '')) return <span class="note">{i18n.t('consent.preview.post.noText')}</span>;
  const shown: ComponentChild[] = [];
  let budget = SITE_TEXT_MAX;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const length = Array.from(segment.text).length;
    if (length > budget) {
      const rest = segments
        .slice(i)
        .map((s) => s.text)
        .join('');
      shown.push(<SiteText text={rest} max={budget} />);
      break;
    }
    budget -= length;
    shown.push(<SegmentView segment={segment} />);
  }
  return <>{shown}</>;
}

const withoutScheme = (uri: string) => uri.replace(/^https?:\/\//, '');

function SegmentView({ segment }: { segment: RichSegment }) {
  if (segment.kind === 'text') return <SiteText text={segment.text} />;
  return (
    <span class={`facet ${segment.kind}`} data-testid={`preview-${segment.kind}`}>
      <SiteText text={segment.text} />
    </span>
  );
}

/**
 * Under the text, what its links and mentions do: the address a link opens
 * when its text says another, and the account each mention notifies (its
 * text may name someone else). Each once.
 */
function FacetNotes({ segments }: { segments: RichSegment[] }) {
  const seen = new Set<string>();
  const notes: ComponentChild[] = [];
  for (const segment of segments) {
    if (segment.kind === 'link') {
      if (segment.text === segment.uri || segment.text === withoutScheme(segment.uri)) continue;
      const key = `link ${segment.text} ${segment.uri}`;
      if (seen.has(key)) continue;
      seen.add(key);
      notes.push(
        <li data-testid="preview-link-target">
          <span class="facet link">
            <SiteText text={segment.text} max={300} />
          </span>{' '}
          {richText('consent.preview.post.linkTarget', { uri: <SiteText text={segment.uri} max={2048} /> })}
        </li>,
      );
    } else if (segment.kind === 'mention') {
      const key = `mention ${segment.text} ${segment.account.did}`;
      if (seen.has(key)) continue;
      seen.add(key);
      notes.push(
        <li data-testid="preview-mention-target">
          <span class="facet mention">
            <SiteText text={segment.text} max={300} />
          </span>{' '}
          {richText('consent.preview.post.mentions', { account: <AccountLine account={segment.account} /> })}
        </li>,
      );
    }
  }
  return notes.length > 0 ? <ul class="facet-notes">{notes}</ul> : null;
}

/** A record another one points at (a liked post, a reply's parent, a quote): its author and text, fetched. */
function RecordRefView({ record, relation }: { record: RecordRef; relation?: 'replyTo' | 'threadRoot' | 'quotes' }) {
  const author: ComponentChild = record.author ? (
    <AccountLine account={record.author} />
  ) : (
    <code>
      <SiteText text={record.uri} max={2048} />
    </code>
  );
  const heading =
    relation === 'replyTo'
      ? richText('consent.preview.post.replyTo', { account: author })
      : relation === 'threadRoot'
        ? richText('consent.preview.post.threadRoot', { account: author })
        : relation === 'quotes'
          ? richText('consent.preview.post.quotes', { account: author })
          : author;
  return (
    <blockquote class="record-ref" data-testid="preview-record-ref" data-uri={record.uri}>
      <p class="preview-label">{heading}</p>
      {!record.text.ok ? (
        <FailedLine failure={record.text.failure} />
      ) : record.collection && record.collection !== POST ? (
        <p class="note">
          {richText('consent.preview.post.notPost', { collection: <SiteText text={record.collection} max={320} /> })}
          {record.text.value && (
            <>
              {' · '}
              <SiteText text={record.text.value} max={600} />
            </>
          )}
        </p>
      ) : (
        <p class="post-text">
          {record.text.value ? (
            <SiteText text={record.text.value} max={1000} />
          ) : (
            <span class="note">{i18n.t('consent.preview.post.noText')}</span>
          )}
        </p>
      )}
    </blockquote>
  );
}

function fieldLabel(field: string): ComponentChild {
  switch (field) {
    case 'displayName':
      return i18n.t('consent.preview.profile.field.displayName');
    case 'description':
      return i18n.t('consent.preview.profile.field.description');
    case 'pronouns':
      return i18n.t('consent.preview.profile.field.pronouns');
    case 'website':
      return i18n.t('consent.preview.profile.field.website');
    case 'avatar':
      return i18n.t('consent.preview.profile.field.avatar');
    case 'banner':
      return i18n.t('consent.preview.profile.field.banner');
    case 'pinnedPost':
      return i18n.t('consent.preview.profile.field.pinnedPost');
    default:
      return (
        <code>
          <SiteText text={field} max={128} />
        </code>
      );
  }
}

function FieldValueView({ value }: { value?: FieldValue }) {
  if (!value) return <span class="note">{i18n.t('consent.preview.profile.none')}</span>;
  switch (value.kind) {
    case 'text':
      return <SiteText text={value.text} max={2000} />;
    case 'image':
      return <ImageEntry image={value.image} />;
    case 'other':
      return (
        <code>
          <SiteText text={value.json} max={2000} />
        </code>
      );
  }
}

function ChangeView({ change }: { change: FieldChange }) {
  return (
    <div class="change" data-testid="preview-change" data-field={change.field}>
      <dt>{fieldLabel(change.field)}</dt>
      <dd>
        <span class="preview-label">{i18n.t('consent.preview.profile.before')}</span>{' '}
        <FieldValueView value={change.before} />
      </dd>
      <dd>
        <span class="preview-label">{i18n.t('consent.preview.profile.after')}</span>{' '}
        <FieldValueView value={change.after} />
      </dd>
    </div>
  );
}
