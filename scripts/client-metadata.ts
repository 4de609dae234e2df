/**
 * Writes the hosted OAuth client-metadata document.
 *   vite-node scripts/client-metadata.ts [CLIENT_ID_URL] [--out FILE] [--redirect-uri URL]...
 * CLIENT_ID_URL defaults to the release build's (src/oauth/release-identity.ts), FILE to
 * docs/client-metadata.json ("-" for stdout). The redirect URIs are those of every extension ID that
 * exists (the development key's Chrome ID, the store's once set, the Firefox add-on id), plus any
 * --redirect-uri given. src/oauth/client-metadata.test.ts checks the committed document is up to date.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { clientMetadataDocument } from '../src/oauth/client-metadata';
import { RELEASE_CLIENT_ID } from '../src/oauth/release-identity';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, 'redirect-uri': { type: 'string', multiple: true } },
});
const document = await clientMetadataDocument(positionals[0] ?? RELEASE_CLIENT_ID, values['redirect-uri']);
const out = values.out ?? path.resolve(import.meta.dirname, '../docs/client-metadata.json');
if (out === '-') process.stdout.write(document);
else {
  writeFileSync(out, document);
  console.error(`Wrote ${out}`);
}
