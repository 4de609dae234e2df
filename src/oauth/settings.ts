import type { RememberSettings } from '../permissions/risk';
import { RELEASE_CLIENT_ID } from './release-identity';

/**
 * Where identities are resolved. Production defaults point at the public
 * network; a local development network (tests, the demo) overrides them.
 * The same form holds the consent choices (RememberSettings).
 */
export interface NetworkSettings extends RememberSettings {
  /** An XRPC service answering com.atproto.identity.resolveHandle. */
  handleResolver: string;
  plcDirectoryUrl: string;
  /** Allow plain-http PDS and authorization servers (local development only). */
  allowHttp: boolean;
  /** A hosted client-metadata URL; empty for the loopback client. */
  clientId: string;
}

export const DEFAULT_SETTINGS: NetworkSettings = {
  handleResolver: 'https://bsky.social',
  plcDirectoryUrl: 'https://plc.directory',
  allowHttp: false,
  clientId: '',
  allowAlwaysForDeletes: false,
};

/**
 * Build-time overrides (WXT exposes WXT_* environment variables). A release build (`MODE` "release") signs in
 * as the hosted client by default; `WXT_OAUTH_CLIENT_ID=loopback` gives it the loopback client.
 */
export function buildTimeSettings(env: Record<string, string | boolean | undefined>): NetworkSettings {
  const pick = (key: string) => {
    const value = env[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  return {
    handleResolver: pick('WXT_HANDLE_RESOLVER') ?? DEFAULT_SETTINGS.handleResolver,
    plcDirectoryUrl: pick('WXT_PLC_DIRECTORY_URL') ?? DEFAULT_SETTINGS.plcDirectoryUrl,
    allowHttp: pick('WXT_ALLOW_HTTP') === 'true',
    clientId: buildTimeClientId(pick('WXT_OAUTH_CLIENT_ID'), env.MODE === 'release'),
    allowAlwaysForDeletes: DEFAULT_SETTINGS.allowAlwaysForDeletes,
  };
}

function buildTimeClientId(configured: string | undefined, release: boolean): string {
  if (configured === 'loopback') return '';
  return configured ?? (release ? RELEASE_CLIENT_ID : DEFAULT_SETTINGS.clientId);
}

/** Validates settings that come from the popup; throws a readable message. */
export function parseSettings(input: unknown, fallback: NetworkSettings): NetworkSettings {
  if (typeof input !== 'object' || input === null) throw new TypeError('Settings must be an object');
  const record = input as Record<string, unknown>;
  const url = (key: keyof NetworkSettings, allowEmpty = false): string => {
    const value = record[key] ?? fallback[key];
    if (typeof value !== 'string') throw new TypeError(`${key} must be a string`);
    if (allowEmpty && value === '') return value;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new TypeError(`${key} is not a valid URL`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new TypeError(`${key} must be an http(s) URL`);
    }
    return value;
  };
  const flag = (key: 'allowHttp' | 'allowAlwaysForDeletes'): boolean => {
    // Settings stored before a flag existed take its default.
    const value = record[key] ?? fallback[key] ?? DEFAULT_SETTINGS[key];
    if (typeof value !== 'boolean') throw new TypeError(`${key} must be a boolean`);
    return value;
  };
  const allowHttp = flag('allowHttp');
  const clientId = url('clientId', true);
  if (clientId && !clientId.startsWith('https://')) throw new TypeError('clientId must be an https URL');
  return {
    handleResolver: url('handleResolver'),
    plcDirectoryUrl: url('plcDirectoryUrl'),
    allowHttp,
    clientId,
    allowAlwaysForDeletes: flag('allowAlwaysForDeletes'),
  };
}
