import { ALL_SITES_PATTERNS, type PatternDialect, type SiteAccess, scriptMatches } from './site-access';

/** A content script as scripting.registerContentScripts takes it (the fields we use). */
export interface RegisteredScript {
  id: string;
  js?: string[];
  matches?: string[];
  world?: 'MAIN' | 'ISOLATED';
  allFrames?: boolean;
  runAt?: 'document_start' | 'document_end' | 'document_idle';
  persistAcrossSessions?: boolean;
}

/** The parts of browser.scripting that registration uses (a fake in unit tests). */
export interface ScriptingApi {
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<RegisteredScript[]>;
  registerContentScripts(scripts: RegisteredScript[]): Promise<void>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<void>;
}

/** The parts of browser.permissions it uses. */
export interface HostPermissionsApi {
  contains(permissions: { origins: string[] }): Promise<boolean>;
  /** Resolves false or throws where the browser will not give the permission up (Chromium: required ones). */
  remove(permissions: { origins: string[] }): Promise<boolean>;
}

/**
 * The two scripts the manifest used to declare (built by WXT with `registration: 'runtime'`): the main-world
 * provider and the isolated-world relay, in every frame of a matching URL, before the page's own scripts.
 * Persisted across browser sessions where the browser keeps them; `sync` re-registers them at every start
 * anyway (a reinstall or an update clears them).
 */
const SCRIPTS: readonly Omit<RegisteredScript, 'matches'>[] = [
  {
    id: 'provider',
    js: ['content-scripts/provider.js'],
    world: 'MAIN',
    allFrames: true,
    runAt: 'document_start',
    persistAcrossSessions: true,
  },
  {
    id: 'relay',
    js: ['content-scripts/relay.js'],
    world: 'ISOLATED',
    allFrames: true,
    runAt: 'document_start',
    persistAcrossSessions: true,
  },
];
export const SCRIPT_IDS = SCRIPTS.map((s) => s.id);

/** What a sync did and found. */
export interface SyncOutcome {
  /** The patterns both scripts now match (empty: none registered). */
  matches: string[];
  /** Whether the scripts had to be registered again (they differed from what the browser had). */
  changed: boolean;
  /** Whether the extension still holds access to every site (the browser may refuse to give it up). */
  allSitesAccess: boolean;
}

const sameScript = (a: RegisteredScript, b: RegisteredScript) =>
  a.id === b.id &&
  (a.world ?? 'ISOLATED') === (b.world ?? 'ISOLATED') &&
  !!a.allFrames === !!b.allFrames &&
  (a.runAt ?? 'document_idle') === (b.runAt ?? 'document_idle') &&
  JSON.stringify(a.js ?? []) === JSON.stringify(b.js ?? []) &&
  JSON.stringify([...(a.matches ?? [])].sort()) === JSON.stringify([...(b.matches ?? [])].sort());

/**
 * Makes the browser's registered content scripts and host permissions what a SiteAccess says. Calls are
 * queued: a mode switch and a start-up sync never interleave (the browser refuses a duplicate id).
 */
export class ContentScriptRegistrar {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly scripting: ScriptingApi,
    private readonly permissions: HostPermissionsApi,
    private readonly dialect: PatternDialect,
  ) {}

  sync(access: SiteAccess): Promise<SyncOutcome> {
    const run = this.queue.then(() => this.apply(access));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Gives up the host permission of sites no longer listed (Firefox does; Chromium keeps required ones). */
  release(patterns: string[]): Promise<boolean> {
    const run = this.queue.then(() => this.withdraw(patterns));
    this.queue = run.catch(() => {});
    return run;
  }

  private async apply(access: SiteAccess): Promise<SyncOutcome> {
    const matches = scriptMatches(access, this.dialect);
    const wanted = matches.length ? SCRIPTS.map((s) => ({ ...s, matches })) : [];
    const present = await this.scripting.getRegisteredContentScripts({ ids: SCRIPT_IDS });
    const upToDate = present.length === wanted.length && wanted.every((w) => present.some((p) => sameScript(p, w)));
    if (!upToDate) {
      if (present.length) await this.scripting.unregisterContentScripts({ ids: present.map((p) => p.id) });
      if (wanted.length) await this.scripting.registerContentScripts(wanted);
    }
    let allSitesAccess = await this.permissions.contains({ origins: [...ALL_SITES_PATTERNS] });
    if (access.mode === 'allowed' && allSitesAccess) allSitesAccess = !(await this.withdraw([...ALL_SITES_PATTERNS]));
    return { matches, changed: !upToDate, allSitesAccess };
  }

  private async withdraw(patterns: string[]): Promise<boolean> {
    if (!patterns.length) return true;
    try {
      return await this.permissions.remove({ origins: patterns });
    } catch {
      // Chromium: "You cannot remove required permissions." The scripts are what keeps the sites out there.
      return false;
    }
  }
}
