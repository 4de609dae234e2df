import { i18n } from '#i18n';
import { isBranch, recordTree, type TreeBranch, type TreeEntry, type TreeNode } from '../../consent/record-tree';
import { fileSize } from '../format';
import { richText } from '../rich-text';
import { SiteText } from './SiteText';

/** Longest field name and value shown in the tree (characters); longer ones are cut with a marker. */
const KEY_MAX = 200;
const VALUE_MAX = 1_000;
/** Branches up to this depth, when this small, start open. */
const OPEN_DEPTH = 2;
const OPEN_SIZE = 20;

/**
 * A record (or any JSON a site sent) as a collapsible tree: every name and
 * value as site text, its `$type` on a line of its own, blob refs and CID
 * links as what they are. Capped (src/consent/record-tree.ts), with a
 * marker where fields were left out.
 */
export function RecordTree({ value }: { value: unknown }) {
  const tree = recordTree(value);
  return (
    <div class="record-tree" data-testid="record-tree">
      {isBranch(tree) ? (
        <>
          {tree.type !== undefined && <TypeLine type={tree.type} />}
          <Branch branch={tree} depth={0} />
        </>
      ) : (
        <Leaf node={tree} />
      )}
    </div>
  );
}

function TypeLine({ type }: { type: string }) {
  return (
    <p class="tree-type" data-testid="record-type">
      {richText('consent.tree.type', {
        type: (
          <code>
            <SiteText text={type} max={KEY_MAX} />
          </code>
        ),
      })}
    </p>
  );
}

function Branch({ branch, depth }: { branch: TreeBranch; depth: number }) {
  return (
    <ul class="tree">
      {branch.entries.map((entry) => (
        <Entry entry={entry} depth={depth} />
      ))}
      {branch.omitted > 0 && (
        <li class="tree-more" data-testid="tree-more">
          {i18n.t('consent.tree.more', { count: String(branch.omitted) })}
        </li>
      )}
    </ul>
  );
}

function Entry({ entry, depth }: { entry: TreeEntry; depth: number }) {
  const key = (
    <span class="tree-key">
      <SiteText text={entry.key} max={KEY_MAX} />
    </span>
  );
  const { node } = entry;
  if (!isBranch(node)) {
    return (
      <li>
        {key}
        <span class="tree-sep">: </span>
        <Leaf node={node} />
      </li>
    );
  }
  const count = String(node.size);
  return (
    <li>
      <details open={depth < OPEN_DEPTH && node.size <= OPEN_SIZE ? true : undefined}>
        <summary>
          {key}
          {node.type !== undefined && (
            <>
              {' '}
              <code class="tree-branch-type">
                <SiteText text={node.type} max={KEY_MAX} />
              </code>
            </>
          )}{' '}
          <span class="tree-count">
            {node.kind === 'array' ? i18n.t('consent.tree.items', { count }) : i18n.t('consent.tree.fields', { count })}
          </span>
        </summary>
        <Branch branch={node} depth={depth + 1} />
      </details>
    </li>
  );
}

function Leaf({ node }: { node: Exclude<TreeNode, TreeBranch> }) {
  switch (node.kind) {
    case 'string':
      return (
        <span class="tree-string">
          <SiteText text={node.value} max={VALUE_MAX} />
        </span>
      );
    case 'number':
    case 'boolean':
      return (
        <span class="tree-literal">
          <SiteText text={String(node.value)} />
        </span>
      );
    case 'null':
      return <span class="tree-literal">{i18n.t('consent.tree.null')}</span>;
    case 'blob':
      return (
        <span class="tree-blob">
          {richText('consent.tree.blob', {
            mime: <SiteText text={node.ref.mimeType} max={KEY_MAX} />,
            size: node.ref.size === undefined ? '?' : fileSize(node.ref.size),
          })}
        </span>
      );
    case 'cid-link':
      return (
        <span class="tree-link">
          {richText('consent.tree.cidLink', {
            cid: (
              <code>
                <SiteText text={node.cid} max={KEY_MAX} />
              </code>
            ),
          })}
        </span>
      );
    case 'bytes':
      return <span class="tree-literal">{i18n.t('consent.tree.bytes', { size: fileSize(node.size) })}</span>;
    case 'too-deep':
      return <span class="tree-more">{i18n.t('consent.tree.tooDeep', { count: String(node.size) })}</span>;
  }
}
