import { type NetworkSettings, parseSettings } from '../oauth/settings';
import { type KeyringDB, readMeta } from '../storage/db';
import { AccountError } from './errors';

/**
 * The network settings the popup edits (handle resolver, PLC directory, plain
 * http, client id), kept in the `meta` store; the build-time defaults until
 * the user first changes them.
 */
export class NetworkSettingsStore {
  constructor(
    private readonly db: KeyringDB,
    private readonly defaults: NetworkSettings,
  ) {}

  async get(): Promise<NetworkSettings> {
    const stored = await readMeta(this.db.transaction('meta').store, 'settings');
    // Checked on read too: the OAuth client is built from whatever is stored.
    return stored ? parseSettings(stored, this.defaults) : this.defaults;
  }

  /** Validates and saves a change; unknown fields are dropped, missing ones keep their current value. */
  async update(input: unknown): Promise<NetworkSettings> {
    let settings: NetworkSettings;
    try {
      settings = parseSettings(input, await this.get());
    } catch (err) {
      throw new AccountError('invalid-input', (err as Error).message);
    }
    await this.db.put('meta', settings, 'settings');
    return settings;
  }
}
