import { type KeyringDB, readMeta } from '../storage/db';
import type { ContentScriptRegistrar, HostPermissionsApi } from './registration';
import {
  isAllowed,
  MAX_ALLOWED_SITES,
  originPattern,
  type PatternDialect,
  parseSiteAccess,
  type SiteAccess,
  type SiteAccessMode,
  siteOrigin,
} from './site-access';

/** The setting as the popup shows it. */
export interface SiteAccessView {
  mode: SiteAccessMode;
  /** The allowed sites, each with whether the browser gives the extension access to it now. */
  sites: { origin: string; access: boolean }[];
  /** Whether the extension holds access to every site (in 'allowed' mode: the browser would not give it up). */
  allSitesAccess: boolean;
}

export class SiteAccessError extends Error {
  constructor(
    readonly code: 'invalid-input',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The site-access setting: kept in the `meta` store, held in memory for the page channel's check on every
 * request, and applied to the browser (registered content scripts, host permissions) on each change and
 * at every start of the background.
 */
export class SiteAccessControl {
  private allSitesAccess = true;

  private constructor(
    private readonly db: KeyringDB,
    private readonly registrar: ContentScriptRegistrar,
    private readonly permissions: Pick<HostPermissionsApi, 'contains'>,
    private readonly dialect: PatternDialect,
    private current: SiteAccess,
  ) {}

  /** Reads the stored setting; the registration is brought in line by `sync`. */
  static async load(
    db: KeyringDB,
    registrar: ContentScriptRegistrar,
    permissions: Pick<HostPermissionsApi, 'contains'>,
    dialect: PatternDialect,
  ): Promise<SiteAccessControl> {
    const stored = await readMeta(db.transaction('meta').store, 'siteAccess');
    return new SiteAccessControl(db, registrar, permissions, dialect, parseSiteAccess(stored));
  }

  /** Whether a page of this origin (a frame's own origin, not its tab's) may use the provider. */
  allows(origin: string): boolean {
    return isAllowed(this.current, origin);
  }

  get access(): SiteAccess {
    return this.current;
  }

  /** Registers the scripts the setting needs (and withdraws host access where the browser lets it). */
  async sync(): Promise<void> {
    this.allSitesAccess = (await this.registrar.sync(this.current)).allSitesAccess;
  }

  async view(): Promise<SiteAccessView> {
    const sites = await Promise.all(
      this.current.origins.map(async (origin) => ({
        origin,
        access: await this.permissions.contains({ origins: [originPattern(origin, this.dialect)] }).catch(() => false),
      })),
    );
    return { mode: this.current.mode, sites, allSitesAccess: this.allSitesAccess };
  }

  async setMode(mode: SiteAccessMode): Promise<SiteAccessView> {
    await this.save({ ...this.current, mode });
    return this.view();
  }

  async allow(input: string): Promise<SiteAccessView> {
    const origin = siteOrigin(input);
    if (!origin || origin !== input.trim()) {
      throw new SiteAccessError('invalid-input', 'Only an https origin (or http on this computer) can be allowed');
    }
    if (!this.current.origins.includes(origin)) {
      if (this.current.origins.length >= MAX_ALLOWED_SITES) {
        throw new SiteAccessError('invalid-input', `At most ${MAX_ALLOWED_SITES} sites can be allowed`);
      }
      await this.save({ ...this.current, origins: [...this.current.origins, origin].sort() });
    }
    return this.view();
  }

  async remove(origin: string): Promise<SiteAccessView> {
    const origins = this.current.origins.filter((o) => o !== origin);
    await this.save({ ...this.current, origins });
    // Give up the site's host permission unless another allowed origin shares its pattern (Firefox: the ports).
    const pattern = originPattern(origin, this.dialect);
    const shared = origins.some((o) => originPattern(o, this.dialect) === pattern);
    if (this.current.mode === 'allowed' && !shared && siteOrigin(origin)) await this.registrar.release([pattern]);
    return this.view();
  }

  /** Stores first, then applies: after a crash between the two, the next start's sync applies it. */
  private async save(next: SiteAccess): Promise<void> {
    await this.db.put('meta', next, 'siteAccess');
    this.current = next;
    await this.sync();
  }
}
