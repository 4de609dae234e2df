/**
 * A record (or any JSON a site sends) as a tree the consent window can show:
 * objects and arrays as branches, `$type` lifted out to name its object,
 * blob references, CID links and bytes as what they are rather than as their
 * JSON spelling. The tree is capped so that no record, however large or
 * deep, costs the window more than a bounded amount of work: branches are
 * filled breadth-first (the top-level fields always show), each lists at most
 * MAX_ENTRIES entries, the whole tree at most MAX_NODES nodes and MAX_DEPTH
 * levels; what is left out is counted, so the window can say so.
 */
import { isPlainObject } from '../protocol/basics';
import { asBlobRef, type BlobRef } from './blob-refs';

export const TREE_LIMITS = Object.freeze({
  /** Levels of branches below the root. */
  maxDepth: 8,
  /** Entries listed per object or array. */
  maxEntries: 50,
  /** Nodes in the whole tree. */
  maxNodes: 400,
});

export type TreeLeaf =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'blob'; ref: BlobRef }
  | { kind: 'cid-link'; cid: string }
  | { kind: 'bytes'; size: number }
  /** A branch below the depth cap: how many entries it has. */
  | { kind: 'too-deep'; size: number };

export interface TreeBranch {
  kind: 'object' | 'array';
  /** An object's `$type`, when it is a string (not repeated among the entries). */
  type?: string;
  entries: TreeEntry[];
  /** How many entries it has in all (of which `entries` shows the first). */
  size: number;
  /** Entries not shown (over the per-branch or whole-tree cap). */
  omitted: number;
}

export type TreeNode = TreeLeaf | TreeBranch;

export interface TreeEntry {
  /** The field name, or the index of an array item. */
  key: string;
  node: TreeNode;
}

export const isBranch = (node: TreeNode): node is TreeBranch => node.kind === 'object' || node.kind === 'array';

/** `{ $link }` and `{ $bytes }`: the JSON spelling of a CID link and of bytes. */
function special(value: Record<string, unknown>): TreeLeaf | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  if (typeof value.$link === 'string') return { kind: 'cid-link', cid: value.$link };
  if (typeof value.$bytes === 'string') {
    const b64 = value.$bytes.replace(/=+$/, '');
    return { kind: 'bytes', size: Math.floor((b64.length * 3) / 4) };
  }
  return undefined;
}

function leaf(value: unknown): TreeLeaf | undefined {
  if (value === null || value === undefined) return { kind: 'null' };
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  const ref = asBlobRef(value);
  if (ref) return { kind: 'blob', ref };
  if (isPlainObject(value)) return special(value);
  return undefined;
}

/** The entries a branch would list, `$type` aside. */
function entriesOf(value: unknown[] | Record<string, unknown>): { type?: string; pairs: [string, unknown][] } {
  if (Array.isArray(value)) return { pairs: value.map((item, i) => [String(i), item]) };
  const type = typeof value.$type === 'string' ? value.$type : undefined;
  const pairs = Object.entries(value).filter(([key]) => !(key === '$type' && type !== undefined));
  return type === undefined ? { pairs } : { type, pairs };
}

/** The capped tree of a JSON value. */
export function recordTree(value: unknown, limits = TREE_LIMITS): TreeNode {
  const root = leaf(value);
  if (root) return root;
  if (!Array.isArray(value) && !isPlainObject(value)) return { kind: 'null' };
  let budget = limits.maxNodes;
  const makeBranch = (v: unknown[] | Record<string, unknown>): TreeBranch => {
    const { type, pairs } = entriesOf(v);
    return {
      kind: Array.isArray(v) ? 'array' : 'object',
      ...(type === undefined ? {} : { type }),
      entries: [],
      size: pairs.length,
      omitted: pairs.length,
    };
  };
  const top = makeBranch(value);
  // Breadth-first: each branch with the source it lists and its depth.
  const queue: { branch: TreeBranch; source: unknown[] | Record<string, unknown>; depth: number }[] = [
    { branch: top, source: value, depth: 0 },
  ];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { branch, source, depth } = next;
    const { pairs } = entriesOf(source);
    for (const [key, child] of pairs.slice(0, limits.maxEntries)) {
      if (budget <= 0) break;
      budget--;
      branch.omitted--;
      const childLeaf = leaf(child);
      if (childLeaf) {
        branch.entries.push({ key, node: childLeaf });
      } else if (Array.isArray(child) || isPlainObject(child)) {
        if (depth + 1 >= limits.maxDepth) {
          branch.entries.push({ key, node: { kind: 'too-deep', size: entriesOf(child).pairs.length } });
        } else {
          const childBranch = makeBranch(child);
          branch.entries.push({ key, node: childBranch });
          queue.push({ branch: childBranch, source: child, depth: depth + 1 });
        }
      } else {
        branch.entries.push({ key, node: { kind: 'null' } });
      }
    }
  }
  return top;
}

/** How many nodes a tree holds (for tests and a sanity bound). */
export function countNodes(node: TreeNode): number {
  return isBranch(node) ? 1 + node.entries.reduce((sum, e) => sum + countNodes(e.node), 0) : 1;
}
