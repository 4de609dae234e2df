/**
 * Symbol.dispose and Symbol.asyncDispose where the browser lacks them (both are built into Chrome 134+ and
 * Firefox 142+). The OAuth client imports core-js for these two symbols; wxt.config.ts points those imports
 * here, which keeps core-js's 6 KB of shared internals out of the service worker that every wake evaluates.
 */
const symbols = Symbol as unknown as Record<string, symbol | undefined>;
for (const name of ['dispose', 'asyncDispose']) {
  if (typeof symbols[name] !== 'symbol') {
    Object.defineProperty(Symbol, name, { value: Symbol(`Symbol.${name}`) });
  }
}
