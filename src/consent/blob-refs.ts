/**
 * The blobs a record refers to. A record holds a blob as
 * `{ $type: 'blob', ref: { $link: cid }, mimeType, size }` (or, in records
 * written before that form, `{ cid, mimeType }`); the consent window may
 * preview exactly these, and the background serves bytes for no other CID.
 */
import { isPlainObject } from '../protocol/basics';

export interface BlobRef {
  cid: string;
  mimeType: string;
  size?: number;
}

/** The blob reference this value is, if it is one. */
export function asBlobRef(value: unknown): BlobRef | undefined {
  if (!isPlainObject(value) || typeof value.mimeType !== 'string') return undefined;
  if (value.$type === 'blob') {
    const ref = value.ref;
    if (!isPlainObject(ref) || typeof ref.$link !== 'string') return undefined;
    return {
      cid: ref.$link,
      mimeType: value.mimeType,
      ...(typeof value.size === 'number' ? { size: value.size } : {}),
    };
  }
  if (value.$type === undefined && typeof value.cid === 'string') return { cid: value.cid, mimeType: value.mimeType };
  return undefined;
}

/** Every blob reference inside a value (a record, or a whole request body), each CID once. */
export function blobRefsIn(value: unknown): BlobRef[] {
  const found = new Map<string, BlobRef>();
  const visit = (v: unknown) => {
    const ref = asBlobRef(v);
    if (ref) {
      if (!found.has(ref.cid)) found.set(ref.cid, ref);
    } else if (Array.isArray(v)) {
      for (const item of v) visit(item);
    } else if (isPlainObject(v)) {
      for (const item of Object.values(v)) visit(item);
    }
  };
  visit(value);
  return [...found.values()];
}
