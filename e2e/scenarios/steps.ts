/** Steps several scenarios take, in any browser the driver runs. */
import { expect } from 'vitest';
import type { BrowserDriver, UiPage } from '../support/driver';
import { PDS_BUTTONS, PDS_PASSWORD_INPUT } from '../support/pds-pages';
import type { PdsInfo } from '../support/pds-process';

export async function poll<T>(
  read: () => Promise<T>,
  accept: (v: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await read();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** Signs an account in from the popup through the PDS's own sign-in and consent pages. */
export async function signInThroughPds(
  driver: BrowserDriver,
  popup: UiPage,
  pds: PdsInfo,
  account: PdsInfo['accounts']['alice'],
): Promise<void> {
  await popup.fill('[data-testid=login-input]', account.handle);
  const authWindow = driver.nextWindow((url) => url.startsWith(`${pds.pdsUrl}/oauth/authorize`));
  await popup.click('[data-testid=login-submit]');
  const auth = await authWindow;
  await auth.fill(PDS_PASSWORD_INPUT, account.password);
  await auth.clickButton(PDS_BUTTONS.signIn);
  // The extension catches the redirect and closes the window itself.
  await auth.clickAndClose({ button: PDS_BUTTONS.authorize });
  const card = `[data-testid=account][data-did="${account.did}"] [data-testid=account-handle]`;
  expect(
    await poll(
      () => popup.text(card),
      (t) => t === `@${account.handle}`,
      'the account',
    ),
  ).toBe(`@${account.handle}`);
}
