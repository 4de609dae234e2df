/**
 * The build the bench loads: a temporary copy of .output/chrome-mv3 with one page added, an empty
 * extension page (a heading, no script, no stylesheet) that section 7 opens as the baseline window.
 * The copy keeps the shipped build as it is (section 5 measures that one).
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { onCleanup } from './cleanup';

/** The empty page's path in the staged build. */
export const BLANK_PAGE = 'bench-blank.html';
/** The Element Timing identifier of the heading whose first paint section 7 times, in both pages. */
export const PAINT_IDENTIFIER = 'bench-content';
/** The heading the empty page shows: the content whose first paint is timed. */
export const BLANK_HEADING = 'AT Keyring';

const BLANK_HTML = `<!doctype html>
<html lang="en"><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>${BLANK_HEADING}</title>
<h1 elementtiming="${PAINT_IDENTIFIER}">${BLANK_HEADING}</h1></html>
`;

/** Copies the build to a temporary folder (removed at clean-up) and adds the empty page. */
export async function stageExtension(buildDir: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-bench-ext-'));
  onCleanup('staged extension', () => rm(dir, { recursive: true, force: true }));
  await cp(buildDir, dir, { recursive: true });
  await writeFile(path.join(dir, BLANK_PAGE), BLANK_HTML);
  return dir;
}
