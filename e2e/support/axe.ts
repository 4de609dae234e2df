import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** The WCAG 2.2 AA rule sets (axe tags): level A and AA of WCAG 2.0, 2.1 and 2.2. */
export const WCAG22_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface Violation {
  id: string;
  impact: string | null | undefined;
  help: string;
  /** Each failing element: its selector and axe's summary of what is wrong. */
  nodes: { target: string; summary: string }[];
}

/** Runs axe on the page as it is now and answers the WCAG 2.2 AA violations, short enough to read in a failure. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG22_AA_TAGS).analyze();
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary ?? '' })),
  }));
}
