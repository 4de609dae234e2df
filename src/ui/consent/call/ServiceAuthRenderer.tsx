import { i18n } from '#i18n';
import { previewKind, serviceAuthTerms } from '../../../consent/previewable';
import { richText } from '../../rich-text';
import { FromSite, SiteText } from '../SiteText';
import { duration, lookupFailedLine } from './lookup-text';
import { PreviewStatus } from './PreviewStatus';
import type { CallRenderer, CallRendererProps } from './registry';
import { usePreview } from './usePreview';

/** A service token: which service (and its address), which method, for how long. */
export const serviceAuthRenderer: CallRenderer = {
  name: 'service-auth',
  matches: (intent) => previewKind(intent) === 'service-auth',
  render: (props) => <ServiceAuth {...props} />,
};

function ServiceAuth({ view, details }: CallRendererProps) {
  const state = usePreview(view);
  // All but the service's address is in the request itself: shown at once.
  const terms = serviceAuthTerms(details.intent.params, Date.now());
  const services =
    state.status === 'ready' && state.preview.kind === 'serviceAuth' ? state.preview.services : undefined;
  const lifetime = duration(terms.lifetimeSeconds);
  return (
    <div class="preview" data-testid="consent-service-auth" data-state={state.status}>
      <p class="write-heading">{i18n.t('consent.preview.serviceAuth.heading')}</p>
      <FromSite origin={view.prompt.origin}>
        <p data-testid="preview-service">
          {richText('consent.preview.serviceAuth.service', {
            aud: (
              <code>
                <SiteText text={terms.aud} max={2048} />
              </code>
            ),
          })}
        </p>
        {services === undefined ? (
          <PreviewStatus state={state} />
        ) : services.ok ? (
          services.value.map((service) => (
            <p class="preview-label" data-testid="preview-service-endpoint">
              {richText('consent.preview.serviceAuth.endpoint', {
                id: (
                  <code>
                    <SiteText text={service.id} max={256} />
                  </code>
                ),
                endpoint: (
                  <code>
                    <SiteText text={service.endpoint} max={2048} />
                  </code>
                ),
              })}
            </p>
          ))
        ) : (
          <p class="note" data-testid="preview-lookup-failed">
            {lookupFailedLine(services.failure)}
          </p>
        )}
        {terms.lxm && (
          <p data-testid="preview-service-method">
            {richText('consent.preview.serviceAuth.oneMethod', {
              lxm: (
                <code>
                  <SiteText text={terms.lxm} max={320} />
                </code>
              ),
            })}
          </p>
        )}
      </FromSite>
      {!terms.lxm && (
        <p class="preview-warning" data-testid="preview-service-any-method">
          {i18n.t('consent.preview.serviceAuth.anyMethod')}
        </p>
      )}
      <p data-testid="preview-service-lifetime">
        {terms.defaultLifetime
          ? i18n.t('consent.preview.serviceAuth.defaultLifetime', { duration: lifetime })
          : i18n.t('consent.preview.serviceAuth.lifetime', { duration: lifetime })}
      </p>
    </div>
  );
}
