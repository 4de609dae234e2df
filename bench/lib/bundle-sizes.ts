import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
}

export interface EntrypointSizes {
  entrypoint: string;
  files: (FileSize & { shared: boolean })[];
  raw: number;
  gzip: number;
}

export interface BundleReport {
  dir: string;
  entrypoints: EntrypointSizes[];
  /** Every file of the build (manifest, html and icons included). */
  all: FileSize[];
  total: { raw: number; gzip: number };
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

/** The gzip level sizes are measured at (the highest). */
export const GZIP_LEVEL = 9;

function sizeOf(dir: string, file: string): FileSize {
  const bytes = readFileSync(path.join(dir, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: GZIP_LEVEL }).length };
}

/** Scripts and styles an extension HTML page loads (entry script, modulepreloads, stylesheets). */
function pageAssets(dir: string, html: string): string[] {
  const text = readFileSync(path.join(dir, html), 'utf8');
  const refs = [...text.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  return refs.filter((r) => !/^[a-z]+:/i.test(r)).map((r) => r.replace(/^\//, ''));
}

/**
 * Raw and gzip sizes of the built extension, grouped by entrypoint as the
 * manifest and HTML pages reference them: the background, each content
 * script, and each page (popup, consent) with the chunks and CSS it loads.
 * A chunk loaded by several pages is listed under each and marked shared.
 */
export function bundleSizes(dir: string): BundleReport {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const groups: { entrypoint: string; files: string[] }[] = [];
  if (manifest.background?.service_worker)
    groups.push({ entrypoint: 'background', files: [manifest.background.service_worker] });
  for (const cs of manifest.content_scripts ?? []) {
    for (const js of cs.js ?? [])
      groups.push({
        entrypoint: `content script ${path.basename(js, '.js')}${cs.world === 'MAIN' ? ' (main world)' : ''}`,
        files: [js, ...(cs.css ?? [])],
      });
  }
  const all = listFiles(dir).sort();
  // Content scripts the background registers at run time (src/site-access/registration.ts) are in no manifest.
  const declared = new Set(groups.flatMap((g) => g.files));
  for (const js of all.filter((f) => f.startsWith('content-scripts/') && f.endsWith('.js') && !declared.has(f)))
    groups.push({ entrypoint: `content script ${path.basename(js, '.js')} (registered)`, files: [js] });
  for (const html of all.filter((f) => f.endsWith('.html'))) {
    groups.push({ entrypoint: `${path.basename(html, '.html')} page`, files: [html, ...pageAssets(dir, html)] });
  }
  // Scripts of their own at the top of the build that nothing above names: loaded at run time (the OAuth kit,
  // which the background loads when a sign-in or a renewal needs it: src/oauth/kit-loader.ts).
  const grouped = new Set(groups.flatMap((g) => g.files));
  for (const js of all.filter((f) => !f.includes('/') && f.endsWith('.js') && !grouped.has(f)))
    groups.push({ entrypoint: `${path.basename(js, '.js')} (loaded on demand)`, files: [js] });
  const useCount = new Map<string, number>();
  for (const g of groups) for (const f of g.files) useCount.set(f, (useCount.get(f) ?? 0) + 1);
  const entrypoints = groups.map((g) => {
    const files = g.files.map((f) => ({ ...sizeOf(dir, f), shared: (useCount.get(f) ?? 0) > 1 }));
    return {
      entrypoint: g.entrypoint,
      files,
      raw: files.reduce((s, f) => s + f.raw, 0),
      gzip: files.reduce((s, f) => s + f.gzip, 0),
    };
  });
  const allSizes = all.map((f) => sizeOf(dir, f));
  return {
    dir,
    entrypoints,
    all: allSizes,
    total: { raw: allSizes.reduce((s, f) => s + f.raw, 0), gzip: allSizes.reduce((s, f) => s + f.gzip, 0) },
  };
}
