import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import type { NetworkSettings } from '../../oauth/settings';
import { callKeyring } from '../api';
import { ensureLoopbackPermission } from '../popup/loopback-permission';
import { NETWORK_PRESETS, type NetworkPreset, presetOf } from './presets';

type Field = 'handleResolver' | 'plcDirectoryUrl' | 'clientId';

/** Where handles and DIDs are resolved and how AT Keyring signs in: presets, each field explained. */
export function NetworkSettingsForm() {
  const [settings, setSettings] = useState<NetworkSettings | null>(null);
  const [message, setMessage] = useState('');
  useEffect(() => {
    callKeyring('settings.get').then(setSettings, (err) => setMessage(err.message));
  }, []);
  if (!settings) return message ? <p class="error-text">{message}</p> : null;
  const field = (key: Field, label: string, help: string) => (
    <label>
      {label}
      <input
        data-testid={`setting-${key}`}
        value={settings[key]}
        aria-describedby={`help-${key}`}
        onInput={(e) => setSettings({ ...settings, [key]: (e.target as HTMLInputElement).value })}
      />
      <span class="note" id={`help-${key}`}>
        {help}
      </span>
    </label>
  );
  const choose = (preset: NetworkPreset) => setSettings({ ...settings, ...preset.settings });
  const current = presetOf(settings);
  return (
    <form
      class="settings"
      data-testid="network-settings"
      onSubmit={async (e) => {
        e.preventDefault();
        const permitted = ensureLoopbackPermission(settings.clientId);
        try {
          // Only this form's fields: the delete policy is saved by its own checkbox (DeletePolicy).
          const { allowAlwaysForDeletes: _policy, ...network } = settings;
          setSettings(await callKeyring('settings.update', { settings: network }));
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
      <fieldset class="presets">
        <legend>{i18n.t('options.network.presetsLegend')}</legend>
        {NETWORK_PRESETS.map((preset) => (
          <button
            type="button"
            class="secondary"
            aria-pressed={current === preset.id}
            onClick={() => choose(preset)}
            data-testid={`preset-${preset.id}`}
          >
            {preset.label()}
          </button>
        ))}
        <p class="note">{i18n.t('options.network.presetsHelp')}</p>
      </fieldset>
      {field(
        'handleResolver',
        i18n.t('popup.settings.handleResolverLabel'),
        i18n.t('options.network.handleResolverHelp'),
      )}
      {field('plcDirectoryUrl', i18n.t('popup.settings.plcDirectoryLabel'), i18n.t('options.network.plcDirectoryHelp'))}
      {field('clientId', i18n.t('popup.settings.clientIdLabel'), i18n.t('options.network.clientIdHelp'))}
      <label class="check">
        <input
          type="checkbox"
          checked={settings.allowHttp}
          data-testid="setting-allowHttp"
          onChange={(e) => setSettings({ ...settings, allowHttp: (e.target as HTMLInputElement).checked })}
        />
        {i18n.t('popup.settings.allowHttpLabel')}
      </label>
      <button type="submit" data-testid="settings-save">
        {i18n.t('popup.settings.saveButton')}
      </button>
      {message && (
        <p class="note" role="status" data-testid="settings-message">
          {message}
        </p>
      )}
    </form>
  );
}
