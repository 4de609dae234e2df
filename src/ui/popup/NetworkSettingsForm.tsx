import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import type { NetworkSettings } from '../../oauth/settings';
import { callKeyring } from '../api';
import { ensureLoopbackPermission } from './loopback-permission';

/** Advanced: where handles and DIDs are resolved (for self-hosted or local networks). */
export function NetworkSettingsForm({ onSaved }: { onSaved?(settings: NetworkSettings): void }) {
  const [settings, setSettings] = useState<NetworkSettings | null>(null);
  const [message, setMessage] = useState('');
  useEffect(() => {
    callKeyring('settings.get').then(setSettings, (err) => setMessage(err.message));
  }, []);
  if (!settings) return message ? <p class="error-text">{message}</p> : null;
  const field = (key: 'handleResolver' | 'plcDirectoryUrl' | 'clientId', label: string) => (
    <label>
      {label}
      <input
        data-testid={`setting-${key}`}
        value={settings[key]}
        onInput={(e) => setSettings({ ...settings, [key]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );
  return (
    <form
      class="settings"
      onSubmit={async (e) => {
        e.preventDefault();
        const permitted = ensureLoopbackPermission(settings.clientId);
        try {
          // Only this form's fields: the delete policy is saved by its own checkbox (DeletePolicy).
          const { allowAlwaysForDeletes: _policy, ...network } = settings;
          const saved = await callKeyring('settings.update', { settings: network });
          setSettings(saved);
          onSaved?.(saved);
          setMessage(
            (await permitted)
              ? i18n.t('popup.settings.saved')
              : i18n.t('popup.settings.savedWithoutLoopbackPermission'),
          );
        } catch (err) {
          setMessage((err as Error).message);
        }
      }}
    >
      {field('handleResolver', i18n.t('popup.settings.handleResolverLabel'))}
      {field('plcDirectoryUrl', i18n.t('popup.settings.plcDirectoryLabel'))}
      {field('clientId', i18n.t('popup.settings.clientIdLabel'))}
      <label class="check">
        <input
          type="checkbox"
          checked={settings.allowHttp}
          onChange={(e) => setSettings({ ...settings, allowHttp: (e.target as HTMLInputElement).checked })}
        />
        {i18n.t('popup.settings.allowHttpLabel')}
      </label>
      <button type="submit">{i18n.t('popup.settings.saveButton')}</button>
      {message && <p class="note">{message}</p>}
    </form>
  );
}
