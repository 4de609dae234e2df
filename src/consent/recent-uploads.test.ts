import { describe, expect, it } from 'vitest';
import { PROMPT_TTL_MS } from '../broker/prompts';
import { RECENT_UPLOAD_LIMITS, RecentUploads } from './recent-uploads';

const limits = { ttlMs: 1_000, maxBytes: 100, maxEntryBytes: 60 };
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('RecentUploads', () => {
  it("keeps each account's uploads apart", () => {
    const uploads = new RecentUploads(() => 0, limits);
    uploads.put('did:plc:alice', 'cid1', bytes(10, 7));
    expect(uploads.get('did:plc:alice', 'cid1')).toEqual(bytes(10, 7));
    expect(uploads.get('did:plc:bob', 'cid1')).toBeUndefined();
    expect(uploads.get('did:plc:alice', 'cid2')).toBeUndefined();
  });

  it('forgets an upload once its time is up', () => {
    let now = 0;
    const uploads = new RecentUploads(() => now, limits);
    uploads.put('did:plc:alice', 'cid1', bytes(10));
    now = 999;
    expect(uploads.get('did:plc:alice', 'cid1')).toBeDefined();
    now = 1_000;
    expect(uploads.get('did:plc:alice', 'cid1')).toBeUndefined();
    expect(uploads.size).toBe(0);
  });

  it('holds at most its byte budget, dropping the oldest first', () => {
    const uploads = new RecentUploads(() => 0, limits);
    uploads.put('did:plc:alice', 'a', bytes(40));
    uploads.put('did:plc:bob', 'b', bytes(40));
    uploads.put('did:plc:alice', 'c', bytes(40));
    expect(uploads.size).toBeLessThanOrEqual(limits.maxBytes);
    expect(uploads.get('did:plc:alice', 'a')).toBeUndefined();
    expect(uploads.get('did:plc:bob', 'b')).toBeDefined();
    expect(uploads.get('did:plc:alice', 'c')).toBeDefined();
  });

  it('does not keep an upload larger than one preview, and counts a re-upload once', () => {
    const uploads = new RecentUploads(() => 0, limits);
    uploads.put('did:plc:alice', 'big', bytes(61));
    expect(uploads.get('did:plc:alice', 'big')).toBeUndefined();
    uploads.put('did:plc:alice', 'same', bytes(30));
    uploads.put('did:plc:alice', 'same', bytes(30));
    expect(uploads.size).toBe(30);
  });

  it('by default keeps uploads longer than a prompt lives, within a budget of a few previews', () => {
    expect(RECENT_UPLOAD_LIMITS.ttlMs).toBeGreaterThan(PROMPT_TTL_MS);
    expect(RECENT_UPLOAD_LIMITS.maxBytes).toBeGreaterThanOrEqual(4 * RECENT_UPLOAD_LIMITS.maxEntryBytes);
  });
});
