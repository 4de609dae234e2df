import type { ComponentChildren } from 'preact';
import { i18n } from '#i18n';
import { SITE_TEXT_MAX, siteTextSegments } from './site-text';

/**
 * One piece of site-chosen text. `<bdi>` isolates its direction, so right-to-left
 * text cannot reorder the words around it; markers are elements of their own
 * class, never characters a site could type.
 */
export function SiteText({ text, max = SITE_TEXT_MAX }: { text: string; max?: number }) {
  return (
    <bdi class="site-text">
      {siteTextSegments(text, max).map((segment) => {
        if (segment.kind === 'text') return segment.text;
        if (segment.kind === 'hidden')
          return (
            <span class="hidden-char" title={i18n.t('consent.siteText.hiddenCharTitle')}>
              {segment.codePoint}
            </span>
          );
        return <span class="cut-marker">{i18n.t('consent.siteText.cut', { count: String(segment.omitted) })}</span>;
      })}
    </bdi>
  );
}

/**
 * The bounded, scrollable box that holds everything a site chose, labelled as
 * coming from that site. However long it is, the window's own lines (origin,
 * buttons) keep their place.
 */
export function FromSite({ origin, children }: { origin: string; children: ComponentChildren }) {
  return (
    <section class="from-site" data-testid="consent-from-site">
      <h2 class="from-site-label">{i18n.t('consent.siteText.fromSite', { origin })}</h2>
      <div class="from-site-body">{children}</div>
    </section>
  );
}
