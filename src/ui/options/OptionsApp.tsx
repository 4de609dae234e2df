import { useEffect } from 'preact/hooks';
import { i18n } from '#i18n';
import { NetworkSettingsForm } from './NetworkSettingsForm';

/** The options page: settings people change once (the popup keeps what they use daily). */
export function OptionsApp() {
  useEffect(() => {
    document.title = i18n.t('options.windowTitle');
  }, []);
  return (
    <main class="options" data-testid="options">
      <h1>{i18n.t('options.heading')}</h1>
      <section aria-labelledby="network-heading">
        <h2 id="network-heading">{i18n.t('popup.settings.summary')}</h2>
        <p class="note">{i18n.t('options.network.intro')}</p>
        <NetworkSettingsForm />
      </section>
    </main>
  );
}
