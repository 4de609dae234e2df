import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { iconDataUrl } from '../../consent/site-icon';
import type { PromptView } from '../../protocol/privileged';
import { callKeyring } from '../api';
import { richText } from '../rich-text';
import { siteBadge } from './site-badge';

/**
 * Who asks: the requesting origin (and the tab's site when a frame asks), the
 * site's icon or a letter badge, whether it is the first time, and a warning
 * for plain http. Everything here comes from the browser and the keyring,
 * none of it from the page.
 */
export function WhoAsks({ view }: { view: PromptView }) {
  const { prompt, asker } = view;
  const origin = (value: string, testId: string) => (
    <span class="origin" data-testid={testId}>
      {value}
    </span>
  );
  const site = origin(asker.origin, 'consent-origin');
  return (
    <header class="who-asks" data-testid="consent-who">
      <div class="who-asks-line">
        <SiteMark promptId={prompt.id} origin={asker.origin} />
        <h1>
          {prompt.kind === 'connect'
            ? richText('consent.headingConnect', { site })
            : richText('consent.headingMoreAccess', { site })}
        </h1>
      </div>
      {asker.topOrigin && (
        <p class="note" data-testid="consent-frame-note">
          {richText('consent.frameNote', { topOrigin: origin(asker.topOrigin, 'consent-top-origin') })}
        </p>
      )}
      {asker.firstTime && (
        <p class="first-time" data-testid="consent-first-time">
          {i18n.t('consent.who.firstTime')}
        </p>
      )}
      {asker.plainHttp.map((value) => (
        <p class="warning" data-testid="consent-plain-http">
          {richText('consent.who.plainHttp', { site: <span class="origin">{value}</span> })}
        </p>
      ))}
    </header>
  );
}

/** The site's icon once the background has checked its bytes; the letter badge until then, or instead. */
function SiteMark({ promptId, origin }: { promptId: string; origin: string }) {
  // undefined while the background looks; null: no icon to show.
  const [icon, setIcon] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    callKeyring('prompt.siteIcon', { id: promptId }).then(
      (answer) => live && setIcon(iconDataUrl(answer)),
      () => live && setIcon(null),
    );
    return () => {
      live = false;
    };
  }, [promptId]);
  if (icon)
    return (
      <img
        class="site-mark"
        src={icon}
        alt=""
        width={32}
        height={32}
        data-icon="image"
        data-testid="consent-site-icon"
      />
    );
  const badge = siteBadge(origin);
  return (
    <span
      class="site-mark site-badge"
      aria-hidden="true"
      style={`background-color: hsl(${badge.hue} 55% 28%)`}
      data-icon={icon === undefined ? 'loading' : 'badge'}
      data-testid="consent-site-badge"
    >
      {badge.letter}
    </span>
  );
}
