import type { PatternDialect } from './site-access';

/** This build's browser: Firefox's match patterns have no port (see PatternDialect). */
export const BROWSER_DIALECT: PatternDialect = { ports: !import.meta.env.FIREFOX };
