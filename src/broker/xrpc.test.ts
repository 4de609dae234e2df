import { describe, expect, it } from 'vitest';
import { LIMITS, ProviderRpcError } from '../protocol/page';
import { readResponse } from './xrpc';

const MiB = 1024 * 1024;

/** A body of `chunks` chunks of `chunkBytes` each, made on demand; counts what was pulled. */
function countingStream(chunkBytes: number, chunks = Infinity, fill = 0x61) {
  const stats = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (stats.pulled >= chunks) return controller.close();
        stats.pulled++;
        controller.enqueue(new Uint8Array(chunkBytes).fill(fill));
      },
      cancel() {
        stats.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, stats };
}

const reasonOf = async (promise: Promise<unknown>) => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderRpcError);
  return (err as ProviderRpcError).data as { reason: string };
};

describe('readResponse: reading the answer (what executeXrpc returns)', () => {
  it('stops reading a body that goes past the limit as soon as it does, and cancels it', async () => {
    // 256 MiB on offer, 1 MiB at a time, with no content-length.
    const { stream, stats } = countingStream(MiB, 256);
    const response = new Response(stream, { headers: { 'content-type': 'application/octet-stream' } });
    expect(response.headers.get('content-length')).toBeNull();
    expect(await reasonOf(readResponse(response))).toEqual({ reason: 'too-large' });
    const limitChunks = LIMITS.maxBinaryBytes / MiB;
    console.log(
      `too-large: pulled ${stats.pulled} chunks of 1 MiB (limit ${limitChunks} MiB, 256 on offer), cancelled: ${stats.cancelled}`,
    );
    expect(stats.pulled).toBeGreaterThan(limitChunks);
    expect(stats.pulled).toBeLessThanOrEqual(limitChunks + 2);
    expect(stats.cancelled).toBe(true);
  });

  it('stops an endless body too', async () => {
    const { stream, stats } = countingStream(64 * 1024);
    const response = new Response(stream, { headers: { 'content-type': 'application/json' } });
    expect(await reasonOf(readResponse(response))).toEqual({ reason: 'too-large' });
    expect(stats.pulled).toBeLessThanOrEqual(LIMITS.maxBinaryBytes / (64 * 1024) + 2);
    expect(stats.cancelled).toBe(true);
  });

  it('refuses a declared content-length over the limit without reading the body', async () => {
    const { stream, stats } = countingStream(MiB, 256);
    const response = new Response(stream, { headers: { 'content-length': String(LIMITS.maxBinaryBytes + 1) } });
    expect(await reasonOf(readResponse(response))).toEqual({ reason: 'too-large' });
    expect(stats.pulled).toBe(0);
    expect(stats.cancelled).toBe(true);
  });

  it('passes a body of exactly the limit, reassembled from its chunks', async () => {
    const { stream, stats } = countingStream(MiB, LIMITS.maxBinaryBytes / MiB, 7);
    const response = new Response(stream, { headers: { 'content-type': 'application/octet-stream' } });
    const result = await readResponse(response);
    const body = result.body as Uint8Array;
    expect(body.byteLength).toBe(LIMITS.maxBinaryBytes);
    expect(body[0]).toBe(7);
    expect(body[body.byteLength - 1]).toBe(7);
    expect(stats.cancelled).toBe(false);
  });

  it('decodes JSON split across chunks, text, and empty bodies', async () => {
    const text = JSON.stringify({
      feed: Array.from({ length: 2000 }, (_, i) => ({ uri: `at://did:plc:x/app.bsky.feed.post/${i}`, text: 'é✓' })),
    });
    const encoded = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        // Chunk boundaries that split multi-byte characters.
        for (let i = 0; i < encoded.length; i += 1001) controller.enqueue(encoded.subarray(i, i + 1001));
        controller.close();
      },
    });
    const json = await readResponse(
      new Response(stream, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } }),
    );
    expect(json).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.parse(text),
    });

    const plain = await readResponse(new Response('hello', { status: 400, headers: { 'content-type': 'text/plain' } }));
    expect(plain).toEqual({ status: 400, headers: { 'content-type': 'text/plain' }, body: 'hello' });

    const empty = await readResponse(new Response(null, { status: 200 }));
    expect(empty).toEqual({ status: 200, headers: {}, body: null });
  });

  it('a body that fails half-way is a timeout or network error, not a crash', async () => {
    const failing = (err: unknown) =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new Uint8Array(10));
          },
          pull(controller) {
            controller.error(err);
          },
        }),
      );
    expect(await reasonOf(readResponse(failing(new DOMException('timed out', 'TimeoutError'))))).toEqual({
      reason: 'timeout',
    });
    expect(await reasonOf(readResponse(failing(new TypeError('network error'))))).toEqual({ reason: 'network' });
  });
});
