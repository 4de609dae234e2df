import { activity } from './activity';
import { blob } from './blob';
import { breakdown } from './breakdown';
import { bundles } from './bundles';
import { coldWake } from './cold';
import { idleWake } from './idle';
import { latency } from './latency';
import { memory } from './memory';
import { paint } from './paint';
import type { BenchPhase } from './phase';
import { popup } from './popup';
import { targets } from './targets';
import { throughput } from './throughput';

/** Every phase, in the order they run; the report prints their tables in the order of their sections. */
export const PHASES: readonly BenchPhase<unknown>[] = [
  bundles,
  latency,
  breakdown,
  throughput,
  blob,
  coldWake,
  memory,
  paint,
  activity,
  popup,
  // Last of those that measure: it closes the browser the others use (see idle.ts).
  idleWake,
  targets,
];

/** The phases BENCH_PHASES can choose from (the rest always run). */
export const SELECTABLE_PHASE_IDS = PHASES.filter((p) => !p.always).map((p) => p.id);

/** Orders sections "1" < "1b" < "2" < … < "10". */
export function compareSections(a: string, b: string): number {
  const key = (s: string) => {
    const [, num = '99', letter = ''] = /^(\d+)(\w?)$/.exec(s) ?? [];
    return `${num.padStart(2, '0')}${letter}`;
  };
  return key(a).localeCompare(key(b));
}
