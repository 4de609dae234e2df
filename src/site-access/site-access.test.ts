import { deleteDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KeyringDB, openKeyringDB } from '../storage/db';
import { SiteAccessControl, SiteAccessError } from './control';
import {
  ContentScriptRegistrar,
  type HostPermissionsApi,
  type RegisteredScript,
  type ScriptingApi,
} from './registration';
import { isAllowed, originPattern, parseSiteAccess, scriptMatches, siteOrigin } from './site-access';

const CHROMIUM = { ports: true };
const FIREFOX = { ports: false };

/**
 * A browser as measured (Chromium 156, Firefox 153): registered scripts by id (a duplicate id is refused);
 * host permissions as a set of patterns; `requiredRemovable` false is Chromium, which refuses to remove the
 * manifest's host permissions.
 */
function fakeBrowser({ requiredRemovable }: { requiredRemovable: boolean }) {
  const scripts = new Map<string, RegisteredScript>();
  const granted = new Set(['http://*/*', 'https://*/*']);
  const calls: string[] = [];
  const scripting: ScriptingApi = {
    async getRegisteredContentScripts(filter) {
      return [...scripts.values()].filter((s) => !filter?.ids || filter.ids.includes(s.id)).map((s) => ({ ...s }));
    },
    async registerContentScripts(list) {
      calls.push(`register ${list.map((s) => s.id).join(',')}`);
      for (const s of list) if (scripts.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
      for (const s of list) {
        if (!s.matches?.length) throw new Error('Script with ID must specify at least one match');
        scripts.set(s.id, { ...s });
      }
    },
    async unregisterContentScripts(filter) {
      calls.push(`unregister ${filter?.ids?.join(',')}`);
      for (const id of filter?.ids ?? [...scripts.keys()]) scripts.delete(id);
    },
  };
  const covers = (pattern: string, wanted: string) => {
    if (pattern === wanted) return true;
    const scheme = wanted.split('://')[0];
    return pattern === `${scheme}://*/*`;
  };
  const permissions: HostPermissionsApi = {
    async contains({ origins }) {
      return origins.every((o) => [...granted].some((g) => covers(g, o)));
    },
    async remove({ origins }) {
      calls.push(`remove ${origins.join(',')}`);
      if (!requiredRemovable && origins.some((o) => o === 'http://*/*' || o === 'https://*/*' || granted.has(o))) {
        throw new Error('You cannot remove required permissions.');
      }
      for (const o of origins) granted.delete(o);
      return true;
    },
  };
  return { scripting, permissions, scripts, granted, calls };
}

describe('site access: origins and patterns', () => {
  it('takes only origins AT Keyring can serve, canonically', () => {
    expect(siteOrigin('https://Example.COM:443/path?q#h')).toBe('https://example.com');
    expect(siteOrigin('http://127.0.0.1:5173/x')).toBe('http://127.0.0.1:5173');
    expect(siteOrigin('http://localhost:3000')).toBe('http://localhost:3000');
    for (const bad of ['http://example.com', 'ftp://example.com', 'chrome://extensions', 'about:blank', 'nonsense']) {
      expect(siteOrigin(bad), bad).toBeNull();
    }
  });

  it('writes ports into patterns only where the browser matches them (Chromium, not Firefox)', () => {
    expect(originPattern('http://127.0.0.1:5173', CHROMIUM)).toBe('http://127.0.0.1:5173/*');
    expect(originPattern('http://127.0.0.1:5173', FIREFOX)).toBe('http://127.0.0.1/*');
    expect(originPattern('https://example.com', CHROMIUM)).toBe('https://example.com/*');
  });

  it('matches every site by default, the allowed ones (or none) otherwise', () => {
    const allowed = { mode: 'allowed' as const, origins: ['http://127.0.0.1:1', 'http://127.0.0.1:2'] };
    expect(scriptMatches({ mode: 'all', origins: allowed.origins }, CHROMIUM)).toEqual(['http://*/*', 'https://*/*']);
    expect(scriptMatches(allowed, CHROMIUM)).toEqual(['http://127.0.0.1:1/*', 'http://127.0.0.1:2/*']);
    expect(scriptMatches(allowed, FIREFOX)).toEqual(['http://127.0.0.1/*']);
    expect(scriptMatches({ mode: 'allowed', origins: [] }, CHROMIUM)).toEqual([]);
    expect(isAllowed(allowed, 'http://127.0.0.1:1')).toBe(true);
    // The exact origin, port included, whatever the browser's patterns cover.
    expect(isAllowed(allowed, 'http://127.0.0.1:3')).toBe(false);
    expect(isAllowed({ mode: 'all', origins: [] }, 'https://any.example')).toBe(true);
  });

  it('reads a malformed stored value as the default, dropping origins it could not serve', () => {
    expect(parseSiteAccess(undefined)).toEqual({ mode: 'all', origins: [] });
    expect(parseSiteAccess({ mode: 'weird', origins: 'x' })).toEqual({ mode: 'all', origins: [] });
    expect(
      parseSiteAccess({ mode: 'allowed', origins: ['https://a.example', 'https://a.example/', 'http://b.example', 7] }),
    ).toEqual({ mode: 'allowed', origins: ['https://a.example'] });
  });
});

describe('ContentScriptRegistrar', () => {
  it('registers the provider (main world) and the relay for every site, in all frames at document_start', async () => {
    const b = fakeBrowser({ requiredRemovable: false });
    const outcome = await new ContentScriptRegistrar(b.scripting, b.permissions, CHROMIUM).sync({
      mode: 'all',
      origins: [],
    });
    expect(outcome).toEqual({ matches: ['http://*/*', 'https://*/*'], changed: true, allSitesAccess: true });
    expect(b.scripts.get('provider')).toMatchObject({
      js: ['content-scripts/provider.js'],
      world: 'MAIN',
      allFrames: true,
      runAt: 'document_start',
      persistAcrossSessions: true,
      matches: ['http://*/*', 'https://*/*'],
    });
    expect(b.scripts.get('relay')).toMatchObject({ js: ['content-scripts/relay.js'], world: 'ISOLATED' });
  });

  it('leaves scripts alone when they already match (every start syncs), and replaces them when not', async () => {
    const b = fakeBrowser({ requiredRemovable: false });
    const registrar = new ContentScriptRegistrar(b.scripting, b.permissions, CHROMIUM);
    await registrar.sync({ mode: 'all', origins: [] });
    b.calls.length = 0;
    expect((await registrar.sync({ mode: 'all', origins: [] })).changed).toBe(false);
    expect(b.calls).toEqual([]);
    await registrar.sync({ mode: 'allowed', origins: ['https://a.example'] });
    expect(b.calls.slice(0, 2)).toEqual(['unregister provider,relay', 'register provider,relay']);
    expect(b.scripts.get('provider')?.matches).toEqual(['https://a.example/*']);
  });

  it('registers nothing when no site is allowed', async () => {
    const b = fakeBrowser({ requiredRemovable: true });
    const registrar = new ContentScriptRegistrar(b.scripting, b.permissions, FIREFOX);
    await registrar.sync({ mode: 'all', origins: [] });
    await registrar.sync({ mode: 'allowed', origins: [] });
    expect(b.scripts.size).toBe(0);
  });

  it('gives up the access to every site where the browser allows it (Firefox), keeps going where not', async () => {
    const firefox = fakeBrowser({ requiredRemovable: true });
    const outcome = await new ContentScriptRegistrar(firefox.scripting, firefox.permissions, FIREFOX).sync({
      mode: 'allowed',
      origins: ['http://127.0.0.1:4000'],
    });
    expect(outcome.allSitesAccess).toBe(false);
    expect(firefox.granted.size).toBe(0);
    const chromium = fakeBrowser({ requiredRemovable: false });
    const kept = await new ContentScriptRegistrar(chromium.scripting, chromium.permissions, CHROMIUM).sync({
      mode: 'allowed',
      origins: ['http://127.0.0.1:4000'],
    });
    expect(kept).toEqual({ matches: ['http://127.0.0.1:4000/*'], changed: true, allSitesAccess: true });
    expect(chromium.scripts.get('relay')?.matches).toEqual(['http://127.0.0.1:4000/*']);
  });

  it('queues syncs, so overlapping ones never register an id twice', async () => {
    const b = fakeBrowser({ requiredRemovable: false });
    const registrar = new ContentScriptRegistrar(b.scripting, b.permissions, CHROMIUM);
    await Promise.all([
      registrar.sync({ mode: 'all', origins: [] }),
      registrar.sync({ mode: 'allowed', origins: ['https://a.example'] }),
      registrar.sync({ mode: 'allowed', origins: ['https://b.example'] }),
    ]);
    expect(b.scripts.get('provider')?.matches).toEqual(['https://b.example/*']);
  });
});

describe('SiteAccessControl', () => {
  let db: KeyringDB;
  beforeEach(async () => {
    db = await openKeyringDB('site-access-test');
  });
  afterEach(async () => {
    db.close();
    await deleteDB('site-access-test');
  });

  const control = async (b: ReturnType<typeof fakeBrowser>, dialect = CHROMIUM) => {
    const registrar = new ContentScriptRegistrar(b.scripting, b.permissions, dialect);
    const c = await SiteAccessControl.load(db, registrar, b.permissions, dialect);
    await c.sync();
    return c;
  };

  it('defaults to every site, and keeps the mode and the list for the next start', async () => {
    const b = fakeBrowser({ requiredRemovable: false });
    const first = await control(b);
    expect(first.allows('https://any.example')).toBe(true);
    await first.setMode('allowed');
    await first.allow('http://127.0.0.1:4000');
    expect(first.allows('https://any.example')).toBe(false);
    expect(first.allows('http://127.0.0.1:4000')).toBe(true);
    // A restart (a new worker; the browser's registration cleared as by a reinstall): the setting holds.
    b.scripts.clear();
    const next = await control(b);
    expect(next.access).toEqual({ mode: 'allowed', origins: ['http://127.0.0.1:4000'] });
    expect(b.scripts.get('provider')?.matches).toEqual(['http://127.0.0.1:4000/*']);
    expect(await next.view()).toEqual({
      mode: 'allowed',
      sites: [{ origin: 'http://127.0.0.1:4000', access: true }],
      allSitesAccess: true,
    });
  });

  it('refuses what is not a canonical secure origin', async () => {
    const c = await control(fakeBrowser({ requiredRemovable: false }));
    for (const bad of ['http://example.com', 'https://a.example/path', 'javascript:alert(1)', '']) {
      await expect(c.allow(bad), bad).rejects.toBeInstanceOf(SiteAccessError);
    }
    expect(c.access.origins).toEqual([]);
  });

  it('switching back to every site registers for every site again and keeps the list', async () => {
    const b = fakeBrowser({ requiredRemovable: false });
    const c = await control(b);
    await c.setMode('allowed');
    await c.allow('https://a.example');
    await c.setMode('all');
    expect(b.scripts.get('provider')?.matches).toEqual(['http://*/*', 'https://*/*']);
    expect(c.access.origins).toEqual(['https://a.example']);
    expect(c.allows('https://other.example')).toBe(true);
  });

  it('removing a site unregisters it and gives up its access unless another allowed origin shares the pattern', async () => {
    const b = fakeBrowser({ requiredRemovable: true });
    const c = await control(b, FIREFOX);
    await c.setMode('allowed');
    b.granted.add('http://127.0.0.1/*'); // as the popup's permissions.request leaves it
    await c.allow('http://127.0.0.1:4000');
    await c.allow('http://127.0.0.1:5000');
    await c.remove('http://127.0.0.1:4000');
    expect(b.granted.has('http://127.0.0.1/*')).toBe(true); // :5000 still needs it (Firefox has no ports)
    expect(c.allows('http://127.0.0.1:4000')).toBe(false);
    await c.remove('http://127.0.0.1:5000');
    expect(b.granted.has('http://127.0.0.1/*')).toBe(false);
    expect(b.scripts.size).toBe(0);
  });
});
