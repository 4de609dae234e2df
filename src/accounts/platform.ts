import type { OAuthKitLoader } from '../oauth/kit-loader';
import type { LoginAttempt } from '../storage/db';

/** What the keyring tells the rest of the extension (the background's services, open extension pages). */
export type KeyringEvent =
  | { type: 'accountsChanged' }
  | { type: 'activeChanged'; did: string }
  | { type: 'sessionEnded'; did: string; reason: string }
  | { type: 'loginFinished'; login: LoginAttempt };

/** What the keyring needs from the browser; injected so the logic runs in tests too. */
export interface KeyringPlatform {
  /** Shows the authorization page (loopback client) in a window; its id, so it can be brought back or closed. */
  openAuthorizationPage(url: string): Promise<number | undefined>;
  /** Brings a window to the front; false when it is gone. */
  focusWindow?(windowId: number): Promise<boolean>;
  closeWindow?(windowId: number): Promise<void>;
  /** Hosted client: the browser's web-auth flow; resolves with the final redirect URL. */
  launchWebAuthFlow(url: string): Promise<string>;
  /** The browser's extension redirect base (`identity.getRedirectURL()`). */
  redirectBase(): string;
  /** Loads the OAuth library's part of the keyring (src/oauth/kit.ts), when a sign-in or a renewal needs it. */
  oauthKit: OAuthKitLoader;
  notify(event: KeyringEvent): void;
}
