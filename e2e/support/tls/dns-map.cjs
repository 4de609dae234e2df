// Preloaded into the test PDS (NODE_OPTIONS=--require): the hosted-client e2e serves its client-metadata
// document at client.at-keyring-e2e.org (the PDS refuses test-only TLDs as client ids), on 127.0.0.1.
// Everything else resolves as usual.
const dns = require('node:dns');
const MAPPED = 'client.at-keyring-e2e.org';
const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback, ...rest) {
  if (hostname !== MAPPED) return original.call(this, hostname, options, callback, ...rest);
  const cb = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all;
  process.nextTick(() => (all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
};
const originalPromise = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, options) {
  if (hostname !== MAPPED) return originalPromise.call(this, hostname, options);
  const entry = { address: '127.0.0.1', family: 4 };
  return typeof options === 'object' && options !== null && options.all ? [entry] : entry;
};
