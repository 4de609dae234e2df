/**
 * What the background's build gets in place of zod (wxt.config.ts). The background needs zod only because
 * @atproto/oauth-scopes imports one DID check from @atproto/did, whose modules build zod schemas as they
 * load; none of those schemas is used there (the OAuth library, which parses with zod, is the kit's: see
 * src/oauth/kit.ts). This stand-in lets them be built and refuses to be used: parsing throws, and nothing
 * is an instance of it. It saves the background a fifth of its size and of its evaluation at each wake.
 */
const USE = new Set(['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'spa']);

function refuse(): never {
  throw new Error('AT Keyring: zod is not part of the background; this schema cannot be used here');
}

const schema: unknown = new Proxy(function unusedSchema() {}, {
  get(_target, key) {
    if (key === 'then') return undefined; // not a promise
    if (key === Symbol.hasInstance) return () => false;
    if (key === Symbol.toPrimitive || key === 'toString' || key === 'valueOf') return () => '[unused zod schema]';
    if (typeof key === 'string' && USE.has(key)) return refuse;
    return schema;
  },
  apply: () => schema,
  construct: () => schema as object,
});

export const z = schema;
export default schema;
