import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { i18n } from '#i18n';
import type { SiteAccessView } from '../../site-access/control';
import { BROWSER_DIALECT } from '../../site-access/dialect';
import { ALL_SITES_PATTERNS, originPattern, type SiteAccessMode, siteOrigin } from '../../site-access/site-access';
import { callKeyring } from '../api';

/**
 * Asks the browser for host access, as the first thing a click does: Firefox accepts permissions.request
 * only inside the click's own handler (not after an await). Chromium grants what it already gave at install
 * without asking.
 */
const requestAccess = (origins: string[]): Promise<boolean> =>
  browser.permissions.request({ origins }).catch(() => false);

/** The site open in the current tab, when AT Keyring can serve it (needs activeTab or host access). */
async function currentTabOrigin(): Promise<string | null> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true }).catch(() => []);
  return tab?.url ? siteOrigin(tab.url) : null;
}

/** "AT Keyring is available to: all sites / only sites I allow", the allowed sites, and "Allow this site". */
export function SiteAccess() {
  const [view, setView] = useState<SiteAccessView | null>(null);
  const [tabOrigin, setTabOrigin] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [message, setMessage] = useState('');
  useEffect(() => {
    callKeyring('siteAccess.get').then(setView, (e) => setMessage(e.message));
    void currentTabOrigin().then(setTabOrigin);
  }, []);

  const run = async (granted: Promise<boolean>, action: () => Promise<SiteAccessView>) => {
    setMessage('');
    try {
      if (!(await granted)) return setMessage(i18n.t('popup.siteAccess.notGranted'));
      setView(await action());
    } catch (err) {
      setMessage((err as Error).message);
    }
  };
  const allow = (origin: string) =>
    run(requestAccess([originPattern(origin, BROWSER_DIALECT)]), () => callKeyring('siteAccess.allow', { origin }));
  const choose = (mode: SiteAccessMode) =>
    run(mode === 'all' ? requestAccess([...ALL_SITES_PATTERNS]) : Promise.resolve(true), () =>
      callKeyring('siteAccess.setMode', { mode }),
    );
  const remove = (origin: string) => run(Promise.resolve(true), () => callKeyring('siteAccess.remove', { origin }));

  if (!view) return message ? <p class="error-text">{message}</p> : null;
  const allowedMode = view.mode === 'allowed';
  const typedOrigin = siteOrigin(typed);
  return (
    <section class="site-access" data-testid="site-access" data-mode={view.mode}>
      <h2>{i18n.t('popup.siteAccess.heading')}</h2>
      <fieldset>
        <legend>{i18n.t('popup.siteAccess.legend')}</legend>
        {(['all', 'allowed'] as const).map((mode) => (
          <label class="check">
            <input
              type="radio"
              name="site-access-mode"
              data-testid={`site-access-${mode}`}
              checked={view.mode === mode}
              onChange={() => choose(mode)}
            />
            {mode === 'all' ? i18n.t('popup.siteAccess.modeAll') : i18n.t('popup.siteAccess.modeAllowed')}
          </label>
        ))}
      </fieldset>
      {allowedMode && (
        <>
          <p class="note">{i18n.t('popup.siteAccess.allowedNote')}</p>
          {view.allSitesAccess && <p class="note">{i18n.t('popup.siteAccess.accessKept')}</p>}
          {tabOrigin && !view.sites.some((s) => s.origin === tabOrigin) && (
            <button type="button" data-testid="site-access-allow-tab" onClick={() => allow(tabOrigin)}>
              {i18n.t('popup.siteAccess.allowTabButton', { origin: tabOrigin })}
            </button>
          )}
        </>
      )}
      {view.sites.length > 0 && (
        <ul class="sites" data-testid="site-access-sites">
          {view.sites.map((site) => (
            <li class="site" data-testid="site-access-site" data-origin={site.origin}>
              <strong class="mono">{site.origin}</strong>
              {allowedMode && !site.access && <p class="note">{i18n.t('popup.siteAccess.noAccess')}</p>}
              <div class="actions">
                {allowedMode && !site.access && (
                  <button type="button" onClick={() => allow(site.origin)}>
                    {i18n.t('popup.siteAccess.grantAgainButton')}
                  </button>
                )}
                <button type="button" data-testid="site-access-remove" onClick={() => remove(site.origin)}>
                  {i18n.t('popup.siteAccess.removeButton')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {allowedMode && (
        <form
          class="settings"
          onSubmit={(e) => {
            e.preventDefault();
            if (!typedOrigin) return setMessage(i18n.t('popup.siteAccess.invalidOrigin'));
            void allow(typedOrigin).then(() => setTyped(''));
          }}
        >
          <label>
            {i18n.t('popup.siteAccess.addLabel')}
            <input
              data-testid="site-access-origin"
              placeholder={i18n.t('popup.siteAccess.addPlaceholder')}
              value={typed}
              onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" data-testid="site-access-add">
            {i18n.t('popup.siteAccess.addButton')}
          </button>
        </form>
      )}
      {message && (
        <p class="note" role="status" data-testid="site-access-message">
          {message}
        </p>
      )}
    </section>
  );
}
