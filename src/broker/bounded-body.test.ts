import { describe, expect, it } from 'vitest';
import { readBoundedBody } from './bounded-body';

describe('readBoundedBody', () => {
  it('stops reading as soon as the body passes the cap', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
        if (pulled > 10_000) controller.close();
      },
    });
    expect(await readBoundedBody(new Response(stream), 4096)).toBeNull();
    expect(pulled).toBeLessThan(10);
  });
  it('refuses at once a declared length over the cap', async () => {
    const response = new Response(new Uint8Array(10), { headers: { 'content-length': '999999' } });
    expect(await readBoundedBody(response, 4096)).toBeNull();
  });
  it('reads a body within the cap whole', async () => {
    const body = Uint8Array.from([1, 2, 3, 4]);
    expect(await readBoundedBody(new Response(body), 4096)).toEqual(body);
  });
});
