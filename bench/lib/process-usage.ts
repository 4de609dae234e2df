/**
 * What a browser's processes use, read from Linux's /proc (bench section 3b: the cost of keeping the worker):
 * only processes descended from the browser the bench started, found by its id.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessUsage {
  pid: number;
  /** Resident memory, KiB (VmRSS: with the pages it shares with the browser's other processes). */
  rssKiB: number;
  /** Its own anonymous resident memory, KiB (RssAnon: the heap and stacks, not the shared binary). */
  anonKiB: number;
  /** CPU time of all its threads so far, ns (schedstat). */
  cpuNs: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended meanwhile
  }
}

/** Every process whose parent chain leads to `rootPid`, the root included. */
export function processTree(rootPid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after its last ')'.
    const rest = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest) parentOf.set(Number(name), Number(rest[1]));
  }
  const tree = [rootPid];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parentOf) {
      if (tree.includes(parent) && !tree.includes(pid)) {
        tree.push(pid);
        grew = true;
      }
    }
  }
  return tree;
}

export function usageOf(pid: number): ProcessUsage | undefined {
  const status = read(`/proc/${pid}/status`);
  if (!status) return undefined;
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const anonKiB = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0);
  let cpuNs = 0;
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  for (const task of tasks) cpuNs += Number(read(`/proc/${pid}/task/${task}/schedstat`)?.split(' ')[0] ?? 0);
  return { pid, rssKiB, anonKiB, cpuNs };
}

/** The browser's extension processes (Chromium marks them on their command line). */
export function extensionProcesses(browserPid: number): ProcessUsage[] {
  return (
    processTree(browserPid)
      // A zygote's child rewrites its title: the flags may be separated by spaces rather than NULs.
      .filter((pid) => /(^|[\s\0])--extension-process([\s\0]|$)/.test(read(`/proc/${pid}/cmdline`) ?? ''))
      .map(usageOf)
      .filter((u): u is ProcessUsage => u !== undefined)
  );
}
