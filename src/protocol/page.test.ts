import { describe, expect, it } from 'vitest';
import { fromWire, LIMITS, serviceAuthParams, toWire, xrpcParams } from './page';
import { SchemaError } from './schema';

describe('wire codec', () => {
  it('round-trips JSON data and binary', () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const value = { a: [1, 'x', true, null, { b: bytes }], buf: bytes.buffer };
    const wire = toWire(value) as any;
    expect(wire.a[4].b).toEqual({ $bytes: 'AAEC/w==' });
    expect(JSON.parse(JSON.stringify(wire))).toEqual(wire);
    const back = fromWire(wire) as any;
    expect(back.a[4].b).toEqual(bytes);
    expect(back.buf).toEqual(bytes);
  });

  it('encodes typed-array views by their own bytes only', () => {
    const backing = new Uint8Array([9, 9, 1, 2, 9]);
    expect(fromWire(toWire(backing.subarray(2, 4)))).toEqual(new Uint8Array([1, 2]));
  });

  it.each([
    ['a function', { f: () => 1 }],
    ['a class instance', { d: new Date() }],
    ['NaN', { n: NaN }],
    ['Infinity', [Infinity]],
    ['a reserved key', { $bytes: 'AA==', x: 1 }],
    ['a symbol', { s: Symbol('x') }],
  ])('refuses %s', (_label, value) => {
    expect(() => toWire(value)).toThrow(SchemaError);
  });

  it('bounds nesting depth', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < LIMITS.maxDepth + 5; i++) deep = { d: deep };
    expect(() => toWire(deep)).toThrow(/nested deeper/);
    expect(() => fromWire(deep)).toThrow(/nested deeper/);
  });

  it('bounds the size of JSON and binary', () => {
    expect(() => toWire({ s: 'x'.repeat(LIMITS.maxJsonChars) })).toThrow(/too large/);
    expect(() => toWire(new Uint8Array(LIMITS.maxBinaryBytes + 1))).toThrow(/binary body too large/);
    expect(() => toWire(new Array(LIMITS.maxEntries + 1).fill(0))).toThrow(/too many items/);
    // Results may be larger than requests.
    expect(() => toWire({ s: 'x'.repeat(LIMITS.maxJsonChars) }, 'result', LIMITS.maxResultJsonChars)).not.toThrow();
  });

  it('rejects malformed binary on the way back', () => {
    expect(() => fromWire({ $bytes: 'not base64!' })).toThrow(/invalid binary/);
    expect(() => fromWire({ $bytes: 42 })).toThrow(/invalid binary/);
  });

  it('survives cycles by refusing them through the depth bound', () => {
    const a: any = {};
    a.self = a;
    expect(() => toWire(a)).toThrow(SchemaError);
  });
});

describe('method params', () => {
  it('accepts a full atproto_xrpc call', () => {
    expect(
      xrpcParams({
        nsid: 'app.bsky.feed.getTimeline',
        method: 'GET',
        params: { limit: 10, tags: ['a', 'b'], reverse: true },
        proxy: 'did:web:api.bsky.app#bsky_appview',
        labelers: 'did:plc:ar7c4by46qjdydhdevvrndac;redact, did:plc:abc',
      }),
    ).toMatchObject({ nsid: 'app.bsky.feed.getTimeline', params: { limit: 10 } });
  });

  it.each([
    [{ nsid: 'nope' }, 'nsid'],
    [{ nsid: 'a.b.c', method: 'DELETE' }, 'method'],
    [{ nsid: 'a.b.c', encoding: 'text/plain\r\nx-evil: 1' }, 'encoding'],
    [{ nsid: 'a.b.c', proxy: 'did:web:x.example#svc\r\nx: y' }, 'proxy'],
    [{ nsid: 'a.b.c', proxy: 'did:web:x.example' }, 'proxy'],
    [{ nsid: 'a.b.c', params: { 'bad key': 1 } }, 'params.bad key'],
    [{ nsid: 'a.b.c', params: { k: { nested: 1 } } }, 'params.k'],
    [{ nsid: 'a.b.c', origin: 'https://evil.example' }, 'origin'],
    [{ nsid: 'a.b.c', labelers: 'did:plc:x\r\nx-evil: 1' }, 'labelers'],
  ])('rejects %j at %s', (input, path) => {
    expect(() => xrpcParams(input, 'params')).toThrow(SchemaError);
    try {
      xrpcParams(input, 'params');
    } catch (err) {
      expect((err as SchemaError).path).toContain(path);
    }
  });

  it('validates service-auth params', () => {
    expect(
      serviceAuthParams({ aud: 'did:web:feed.example', lxm: 'app.bsky.feed.getFeedSkeleton', exp: 60 }),
    ).toBeTruthy();
    expect(() => serviceAuthParams({ aud: 'https://feed.example' })).toThrow(SchemaError);
    expect(() => serviceAuthParams({ aud: 'did:web:x', exp: -1 })).toThrow(SchemaError);
  });
});
