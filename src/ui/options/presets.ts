import { i18n } from '#i18n';
import type { NetworkSettings } from '../../oauth/settings';

type PresetSettings = Pick<NetworkSettings, 'handleResolver' | 'plcDirectoryUrl' | 'allowHttp'>;

export interface NetworkPreset {
  id: 'bluesky' | 'custom' | 'local';
  label(): string;
  /** What choosing it fills in; the user still saves (and may edit first). */
  settings: PresetSettings;
}

/** Starting points for the network fields: the public network, one's own PDS, a development network. */
export const NETWORK_PRESETS: readonly NetworkPreset[] = [
  {
    id: 'bluesky',
    label: () => i18n.t('options.network.presetBluesky'),
    settings: { handleResolver: 'https://bsky.social', plcDirectoryUrl: 'https://plc.directory', allowHttp: false },
  },
  {
    // A self-hosted PDS resolves its own handles; DIDs stay on the public PLC directory.
    id: 'custom',
    label: () => i18n.t('options.network.presetCustom'),
    settings: { handleResolver: 'https://', plcDirectoryUrl: 'https://plc.directory', allowHttp: false },
  },
  {
    // @atproto/dev-env's default ports: the PDS on 2583, the PLC directory on 2582.
    id: 'local',
    label: () => i18n.t('options.network.presetLocal'),
    settings: { handleResolver: 'http://localhost:2583', plcDirectoryUrl: 'http://localhost:2582', allowHttp: true },
  },
];

/** Which preset the settings are (the custom one matches any https resolver with the public PLC directory). */
export function presetOf(settings: PresetSettings): NetworkPreset['id'] | undefined {
  const exact = NETWORK_PRESETS.find(
    (p) =>
      p.settings.handleResolver === settings.handleResolver &&
      p.settings.plcDirectoryUrl === settings.plcDirectoryUrl &&
      p.settings.allowHttp === settings.allowHttp,
  );
  if (exact) return exact.id;
  if (
    settings.handleResolver.startsWith('https://') &&
    settings.plcDirectoryUrl === 'https://plc.directory' &&
    !settings.allowHttp
  )
    return 'custom';
  return undefined;
}
