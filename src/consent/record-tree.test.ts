import { describe, expect, it } from 'vitest';
import { countNodes, isBranch, recordTree, TREE_LIMITS, type TreeBranch, type TreeNode } from './record-tree';

const branch = (node: TreeNode): TreeBranch => {
  if (!isBranch(node)) throw new Error(`not a branch: ${node.kind}`);
  return node;
};
const CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';

describe('recordTree', () => {
  it('lifts $type out and shows blob refs, CID links and bytes as what they are', () => {
    const tree = branch(
      recordTree({
        $type: 'com.example.thing',
        title: 'hi',
        count: 3,
        ok: true,
        none: null,
        file: { $type: 'blob', ref: { $link: CID }, mimeType: 'image/png', size: 70 },
        legacy: { cid: CID, mimeType: 'image/jpeg' },
        link: { $link: CID },
        raw: { $bytes: 'AAEC' },
        nested: { $type: 'com.example.inner', tags: ['a', 'b'] },
      }),
    );
    expect(tree.type).toBe('com.example.thing');
    expect(tree.entries.map((e) => e.key)).toEqual([
      'title',
      'count',
      'ok',
      'none',
      'file',
      'legacy',
      'link',
      'raw',
      'nested',
    ]);
    const byKey = Object.fromEntries(tree.entries.map((e) => [e.key, e.node]));
    expect(byKey.title).toEqual({ kind: 'string', value: 'hi' });
    expect(byKey.count).toEqual({ kind: 'number', value: 3 });
    expect(byKey.ok).toEqual({ kind: 'boolean', value: true });
    expect(byKey.none).toEqual({ kind: 'null' });
    expect(byKey.file).toEqual({ kind: 'blob', ref: { cid: CID, mimeType: 'image/png', size: 70 } });
    expect(byKey.legacy).toEqual({ kind: 'blob', ref: { cid: CID, mimeType: 'image/jpeg' } });
    expect(byKey.link).toEqual({ kind: 'cid-link', cid: CID });
    expect(byKey.raw).toEqual({ kind: 'bytes', size: 3 });
    const nested = branch(byKey.nested!);
    expect(nested).toMatchObject({ kind: 'object', type: 'com.example.inner', size: 1, omitted: 0 });
    expect(branch(nested.entries[0]!.node)).toMatchObject({ kind: 'array', size: 2, omitted: 0 });
  });

  it('keeps a $type that is not a string among the fields', () => {
    const tree = branch(recordTree({ $type: 42, a: 1 }));
    expect(tree.type).toBeUndefined();
    expect(tree.entries.map((e) => e.key)).toEqual(['$type', 'a']);
  });

  it('lists at most maxEntries fields per branch and counts the rest', () => {
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, i]));
    const tree = branch(recordTree(wide));
    expect(tree.entries).toHaveLength(TREE_LIMITS.maxEntries);
    expect(tree.size).toBe(10_000);
    expect(tree.omitted).toBe(10_000 - TREE_LIMITS.maxEntries);
  });

  it('stops at maxDepth, saying how many fields the deepest branch holds', () => {
    let deep: unknown = { leaf: 'bottom', other: 1 };
    for (let i = 0; i < 30; i++) deep = { down: deep };
    let node: TreeNode = recordTree(deep);
    let levels = 0;
    while (isBranch(node)) {
      levels++;
      node = node.entries[0]!.node;
    }
    expect(levels).toBe(TREE_LIMITS.maxDepth);
    expect(node).toEqual({ kind: 'too-deep', size: 1 });
  });

  it('fills breadth-first within a whole-tree budget: every top-level field shows', () => {
    const heavy = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`group${i}`, Array.from({ length: 50 }, (_, j) => ({ j }))]),
    );
    const tree = branch(recordTree(heavy));
    expect(tree.entries).toHaveLength(20);
    expect(countNodes(tree)).toBeLessThanOrEqual(TREE_LIMITS.maxNodes + 1);
    const shown = tree.entries.map((e) => branch(e.node));
    // The budget ran out part-way: later groups list fewer items, and say how many they left out.
    expect(shown[0]!.entries.length).toBeGreaterThan(0);
    expect(shown.reduce((sum, g) => sum + g.omitted, 0)).toBeGreaterThan(0);
    for (const g of shown) expect(g.entries.length + g.omitted).toBe(50);
  });

  it('bounds the work on a record that is both wide and deep', () => {
    const make = (depth: number): unknown =>
      depth === 0 ? 'x' : Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, make(depth - 1)]));
    expect(countNodes(recordTree(make(3)))).toBeLessThanOrEqual(TREE_LIMITS.maxNodes + 1);
  });

  it('shows a bare value as a leaf', () => {
    expect(recordTree('text')).toEqual({ kind: 'string', value: 'text' });
    expect(recordTree([])).toEqual({ kind: 'array', entries: [], size: 0, omitted: 0 });
  });
});
