/**
 * Page input is validated in linear time (security finding 4: a nested
 * quantifier in the `labelers` pattern let a ~200-character value from a page
 * with no grant freeze the background for 42 s).
 *
 * Two kinds of test here: correctness (valid and invalid examples for every
 * patterned field, and agreement with the language the old patterns
 * accepted) and a benchmark that feeds pathological strings to every
 * patterned field at two sizes and checks the time is small and grows
 * roughly linearly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptLabelers,
  audience,
  encodeWire,
  fromWire,
  LIMITS,
  mimeType,
  nsid,
  proxyRef,
  queryParams,
  readBlobs,
  toWire,
  xrpcParams,
} from './page';
import { did, type Parser, SchemaError } from './schema';

const accepts = (parser: Parser<unknown>, value: string): boolean => {
  try {
    parser(value, 'field');
    return true;
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    return false;
  }
};

// ---- correctness ---------------------------------------------------------------

describe('patterned fields: valid and invalid examples', () => {
  const cases: [string, Parser<unknown>, string[], string[]][] = [
    [
      'nsid',
      nsid,
      [
        'app.bsky.feed.getTimeline',
        'com.atproto.repo.createRecord',
        'a.b.c',
        'a-b.c-d.e',
        'com.example.x1',
        `a.${'b'.repeat(63)}.c`,
        'a.0b.c',
      ],
      [
        '',
        'nope',
        'a.b',
        'a..b.c',
        '.a.b.c',
        'a.b.c.',
        '1a.b.c',
        'a.b.1c',
        'a.b.c-d',
        '-a.b.c',
        'a-.b.c',
        'a.b-.c',
        `a.${'b'.repeat(64)}.c`,
        'a.b.c ',
        'a.b.c\n',
        'a.b.ç',
        `a.${'b.'.repeat(160)}c`,
      ],
    ],
    [
      'proxyRef',
      proxyRef,
      [
        'did:web:api.bsky.app#bsky_appview',
        'did:plc:abc123#atproto_labeler',
        'did:web:localhost%3A2584#svc',
        'did:web:x#a.b~c-d_e',
      ],
      [
        '',
        'did:web:x.example',
        'did:web:x.example#',
        '#svc',
        'did:web:#svc',
        'did:web:x:#svc',
        'did:web:x%#svc',
        'did:WEB:x#svc',
        'did:web:x#svc#2',
        'did:web:x#svc\r\nx: y',
        'did:web:x#s v',
        'did:web:x #svc',
        'web:x#svc',
      ],
    ],
    [
      'mimeType',
      mimeType,
      [
        'application/json',
        'image/png',
        'text/plain;charset=utf-8',
        'text/plain; charset=utf-8',
        'text/plain ; charset="utf-8"',
        'multipart/form-data; boundary="a b"; x=y',
        'application/vnd.ipld.car',
        'a/b;c=""',
        'text/plain\t;\tcharset=utf-8',
      ],
      [
        '',
        'text',
        'text/',
        '/plain',
        'text/plain/x',
        'text/plain;',
        'text/plain; ',
        'text/plain;charset',
        'text/plain;charset=',
        'text/plain ',
        ' text/plain',
        'text/plain;a="b',
        'text/plain;a="b\\"c"',
        'text/plain;a="b"c',
        'text/plain\r\nx-evil: 1',
        'text/plain;\r\ncharset=utf-8',
        'text/plain;a="\r\n"',
        'text/pla in',
        'tëxt/plain',
        'text/plain;;a=b',
      ],
    ],
    [
      'audience',
      audience,
      [
        'did:web:feed.example',
        'did:web:feed.example#bsky_fg',
        'did:plc:abc123',
        'did:web:localhost%3A2584',
        'did:plc:a:b',
      ],
      [
        '',
        'https://feed.example',
        'did:web:x#',
        'did:web:x#a#b',
        'did:web:',
        'did:web:x:',
        'did:web:x%',
        'did:Web:x',
        'did::x',
        'did:web:x#a b',
        'did:web:x\n',
      ],
    ],
    [
      'acceptLabelers',
      acceptLabelers,
      [
        '',
        'did:plc:abc',
        'did:plc:abc;redact',
        'did:plc:abc;redact, did:web:example.com',
        'did:plc:a,did:plc:b',
        'did:plc:a,   did:plc:b',
        'did:plc:a; redact,\tdid:plc:b;\tredact',
        'did:plc:ar7c4by46qjdydhdevvrndac;redact, did:plc:abc',
      ],
      [
        'did:plc:abc;redactx',
        'did:PLC:x',
        'did:plc:x,',
        ',did:plc:x',
        'did:plc:a,,did:plc:b',
        'did:plc:a, ,did:plc:b',
        ' did:plc:x',
        'did:plc:x ',
        'did:plc:x ;redact',
        'did:plc:x;',
        'did:plc:x;redact;redact',
        'did:plc:x;Redact',
        'did:plc:x;redactdid:plc:y',
        'did:plc:x:',
        'did:plc:x\r\nx-evil: 1',
        'did:plc:x,\r\ndid:plc:y',
        'did:plc:x;keep',
        ';redact',
        'plc:x',
      ],
    ],
    [
      'did',
      did,
      [
        'did:plc:abc123',
        'did:web:example.com',
        'did:web:localhost%3A2584',
        'did:example:a:b:c',
        'did:a:b',
        'did:plc:a-b_c.d',
      ],
      [
        '',
        'plc:abc',
        'did:plc:',
        'did:plc',
        'did::abc',
        'did:PLC:x',
        'did:pl1:x',
        'did:plc:x:',
        'did:plc:x%',
        'did:plc:x#frag',
        'did:plc:a b',
        'DID:plc:x',
        'did:plc:ä',
        `did:plc:${'a'.repeat(2041)}`,
      ],
    ],
  ];

  for (const [name, parser, valid, invalid] of cases) {
    it(`${name} accepts valid values`, () => {
      for (const v of valid) expect(accepts(parser, v), JSON.stringify(v)).toBe(true);
    });
    it(`${name} rejects invalid values with a SchemaError`, () => {
      for (const v of invalid) expect(accepts(parser, v), JSON.stringify(v)).toBe(false);
    });
  }

  it('rejects non-strings', () => {
    for (const parser of [nsid, proxyRef, mimeType, audience, acceptLabelers, did]) {
      for (const v of [undefined, null, 1, {}, [], ['did:plc:x']]) expect(() => parser(v, 'f')).toThrow(SchemaError);
    }
  });

  it('query parameter names: letters, digits, `_.-`; not `__proto__`', () => {
    expect(queryParams({ limit: 1, 'a.b-c_d': 'x', cursor: ['1', '2'] })).toEqual({
      limit: 1,
      'a.b-c_d': 'x',
      cursor: ['1', '2'],
    });
    for (const key of ['', 'a b', 'a=b', 'a&b', 'ä', 'a\n', 'x'.repeat(257)]) {
      expect(() => queryParams({ [key]: 1 }), JSON.stringify(key)).toThrow(SchemaError);
    }
    expect(() => queryParams(JSON.parse('{"__proto__": ["x"]}'))).toThrow(/reserved key/);
  });

  it('the error names the field', () => {
    expect(() => xrpcParams({ nsid: 'a.b.c', labelers: `${'did:a:a:'.repeat(25)}!` }, 'params')).toThrow(
      'params.labelers: has an invalid format',
    );
  });
});

// The patterns in use before the linear rewrite. They must never meet page
// data again; here they only see short strings, to check the new validators
// accept a subset of (and for DIDs exactly) the language they accepted.
const OLD = {
  nsid: /^[a-zA-Z]([a-zA-Z0-9-]{0,62})?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,62})?)+\.[a-zA-Z]([a-zA-Z0-9]{0,62})?$/,
  proxyRef: /^did:[a-z]+:[a-zA-Z0-9._:%-]+#[a-zA-Z0-9._~-]+$/,
  mimeType:
    /^[a-zA-Z0-9!#$&^_.+-]+\/[a-zA-Z0-9!#$&^_.+-]+(\s*;\s*[a-zA-Z0-9!#$&^_.+-]+=("[^"\\\r\n]*"|[a-zA-Z0-9!#$&^_.+-]+))*$/,
  audience: /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-](#[a-zA-Z0-9._~-]+)?$/,
  acceptLabelers: /^(did:[a-z]+:[a-zA-Z0-9._:%-]+(;\s*redact)?(,\s*)?)*$/,
  did: /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/,
};

describe('patterned fields: the language of the old patterns', () => {
  /** Short strings built from the pieces each field is made of, so matches are common. */
  const from = (pieces: string[], maxLength = 12) =>
    fc.array(fc.constantFrom(...pieces), { maxLength }).map((a) => a.join(''));
  const didPieces = ['did:', 'plc', 'web', ':', 'a', 'B', '1', '.', '_', '-', '%', 'x', 'Z'];
  const fields: [keyof typeof OLD, Parser<unknown>, fc.Arbitrary<string>, 'same' | 'subset'][] = [
    ['did', did, from(didPieces), 'same'],
    ['audience', audience, from([...didPieces, '#', '~', 'svc']), 'same'],
    ['proxyRef', proxyRef, from([...didPieces, '#', '~', 'svc']), 'subset'],
    ['nsid', nsid, from(['a', 'b', 'Z', '1', '-', '.', 'app', 'x9']), 'subset'],
    [
      'mimeType',
      mimeType,
      from(['text', '/', 'a', '+', '.', ';', '=', ' ', '\t', '\n', '"', '\\', 'é', 'x-y', '#']),
      'subset',
    ],
    [
      'acceptLabelers',
      acceptLabelers,
      from(['did:plc:a', 'did:web:b', ':', '%', ';', 'redact', ',', ' ', '\t', '\n', 'x'], 8),
      'subset',
    ],
  ];
  for (const [name, parser, arbitrary, relation] of fields) {
    it(`${name}: ${relation === 'same' ? 'accepts exactly what the old pattern accepted' : 'accepts nothing the old pattern rejected'}`, () => {
      fc.assert(
        fc.property(arbitrary, (s) => {
          const now = accepts(parser, s);
          const before = OLD[name].test(s);
          if (relation === 'same') expect(now).toBe(before);
          else if (now) expect(before).toBe(true);
        }),
        { numRuns: 3000 },
      );
    });
  }
});

// ---- the wire codec ----------------------------------------------------------

describe('wire codec: __proto__ and base64', () => {
  it('refuses an own __proto__ key in both directions', () => {
    // JSON.parse (and structured clone) create `__proto__` as an own key; copying
    // it with `out[key] = …` would set the prototype, so the broker would see an
    // inherited `collection` that JSON.stringify never sends.
    const hostile = JSON.parse(
      '{"nsid": "com.atproto.repo.createRecord", "body": {"repo": "did:plc:x", "__proto__": {"collection": "app.bsky.graph.block"}}}',
    );
    expect(Object.keys(hostile.body)).toContain('__proto__');
    expect(() => toWire(hostile)).toThrow(SchemaError);
    expect(() => toWire(hostile)).toThrow('params.body.__proto__: reserved key');
    expect(() => fromWire(hostile)).toThrow('params.body.__proto__: reserved key');
    expect(() => fromWire(JSON.parse('[{"__proto__": null}]'))).toThrow(SchemaError);
    // Neighbours that are plain keys still pass.
    expect(toWire({ constructor: 1, prototype: 2, proto: 3 })).toEqual({ constructor: 1, prototype: 2, proto: 3 });
    expect(Object.getPrototypeOf(fromWire({ constructor: { a: 1 } }))).toBe(Object.prototype);
  });

  it('accepts padded base64 only', () => {
    expect(fromWire({ $bytes: '' })).toEqual(new Uint8Array(0));
    expect(fromWire({ $bytes: 'AA==' })).toEqual(new Uint8Array([0]));
    expect(fromWire({ $bytes: 'AAA=' })).toEqual(new Uint8Array([0, 0]));
    expect(fromWire({ $bytes: 'AAAA' })).toEqual(new Uint8Array([0, 0, 0]));
    expect(fromWire({ $bytes: '+/+/' })).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
    for (const bad of [
      'A',
      'AA',
      'AAA',
      'AA=',
      '====',
      'A===',
      'AA=A',
      '=AAA',
      'AA==AA==',
      'AA-_',
      'AA A',
      'AAA\n',
      'ÀAAA',
    ]) {
      expect(() => fromWire({ $bytes: bad }), JSON.stringify(bad)).toThrow(/invalid binary/);
    }
  });

  it('takes bytes as they are from a structured-clone channel: a Uint8Array only, counted and in a buffer of its own', () => {
    const bytes = fromWire({ $bytes: new Uint8Array([1, 2, 3]) }) as Uint8Array;
    expect([...bytes]).toEqual([1, 2, 3]);
    // Other views and look-alikes are not bytes.
    class Sub extends Uint8Array {}
    for (const bad of [
      new Int8Array(2),
      new Uint8ClampedArray(2),
      new DataView(new ArrayBuffer(2)),
      new ArrayBuffer(2),
      new Sub(2),
      [1, 2],
      { 0: 1, length: 1 },
    ]) {
      expect(() => fromWire({ $bytes: bad }), String(bad?.constructor?.name)).toThrow(/invalid binary/);
    }
    // A view into a larger buffer is copied: what is kept is what was counted.
    const backing = new Uint8Array(4096);
    const view = fromWire({ $bytes: backing.subarray(10, 12) }) as Uint8Array;
    expect(view.buffer.byteLength).toBe(2);
    // The size limit holds whichever the spelling.
    expect(() => fromWire({ $bytes: new Uint8Array(LIMITS.maxBinaryBytes + 1) })).toThrow(/binary body too large/);
    expect(() => fromWire([{ $bytes: new Uint8Array(LIMITS.maxBinaryBytes) }, { $bytes: new Uint8Array(1) }])).toThrow(
      /binary body too large/,
    );
  });

  it('reads Blobs into bytes, sizes checked first; writes them as they are only where the channel carries Blobs', async () => {
    const plain = { nsid: 'a.b.c', body: { text: 'x' } };
    expect(await readBlobs(plain)).toBe(plain);
    const read = (await readBlobs({
      body: new Blob([new Uint8Array([5, 6])]),
      list: [{ $bytes: new File(['a'], 'f') }],
    })) as any;
    expect(read.body).toEqual(new Uint8Array([5, 6]));
    expect(read.list[0].$bytes).toEqual(new Uint8Array([97]));
    const half = new Blob([new Uint8Array(LIMITS.maxBinaryBytes / 2 + 1)]);
    await expect(readBlobs([half, half])).rejects.toThrow(/binary body too large/);
    const blob = new Blob(['abc']);
    expect(() => encodeWire({ body: blob }, 'params', LIMITS.maxJsonChars, 'clone')).toThrow(/read first/);
    expect(() => encodeWire({ body: blob }, 'params', LIMITS.maxJsonChars, 'base64', true)).toThrow(/read first/);
    expect(encodeWire({ body: blob }, 'params', LIMITS.maxJsonChars, 'clone', true)).toEqual({
      value: { body: { $bytes: blob } },
      binaryBytes: 3,
      binaryValues: 1,
      blobs: 1,
    });
    // Off the wire, a Blob that was not read first is not bytes.
    expect(() => fromWire({ $bytes: blob })).toThrow(/invalid binary/);
  });

  it("writes bytes as they are for a clone channel, and never a view's hidden bytes", () => {
    const backing = new Uint8Array(64).fill(7);
    const wire = toWire({ body: backing.subarray(0, 3) }, 'params', undefined, 'clone') as {
      body: { $bytes: Uint8Array };
    };
    expect(wire.body.$bytes).toBeInstanceOf(Uint8Array);
    expect(wire.body.$bytes.buffer.byteLength).toBe(3);
    expect(toWire({ body: backing.subarray(0, 3) })).toEqual({ body: { $bytes: 'BwcH' } });
  });
});

// ---- linear time ---------------------------------------------------------------

interface Pathology {
  field: string;
  max: number;
  /** A value of size about n (in repeats of the field's pieces). */
  make: (n: number) => string;
  run: (value: string) => void;
}

const quiet = (parser: Parser<unknown>) => (value: string) => void accepts(parser, value);
const viaQueryKey = (key: string) => {
  try {
    queryParams({ [key]: 1 });
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
  }
};
const viaBytes = (text: string) => {
  try {
    fromWire({ $bytes: text });
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
  }
};

const BASE64_MAX = Math.ceil(LIMITS.maxBinaryBytes / 3) * 4;

const PATHOLOGIES: Pathology[] = [
  // labelers: the finding's field. 'did:a:a:'.repeat(20) + '!' took the old pattern 75 ms, doubling per repeat.
  ...[
    (n: number) => `${'did:a:a:'.repeat(n)}!`,
    (n: number) => `did:a:${'a'.repeat(n)};`,
    (n: number) => `${'did:plc:x, '.repeat(n)}!`,
    (n: number) => `${'did:a:a;redact,'.repeat(n)}!`,
    (n: number) => `${'did:a:a; redact, '.repeat(n)};`,
    (n: number) => `did:a:${'did:a:'.repeat(n)} `,
    (n: number) => ', '.repeat(n),
    (n: number) => `${';'.repeat(n)}x`,
    (n: number) => `did:a:a${';redact'.repeat(n)}`,
  ].map((make) => ({ field: 'labelers', max: 4096, make, run: quiet(acceptLabelers) })),
  ...[
    (n: number) => `${'a.'.repeat(n)}-`,
    (n: number) => `a${'.a-'.repeat(n)}.1`,
    (n: number) => `${'a'.repeat(n)}.a.a!`,
    (n: number) => `${'a-'.repeat(n)}.b.c`,
    (n: number) => `a${'.'.repeat(n)}`,
  ].map((make) => ({ field: 'nsid', max: 317, make, run: quiet(nsid) })),
  ...[
    (n: number) => `${'did:a:'.repeat(n)}#`,
    (n: number) => 'did:a:a#'.repeat(n),
    (n: number) => `did:a:${'a:'.repeat(n)}#!`,
    (n: number) => `did:a:a#${'a'.repeat(n)}!`,
    (n: number) => `did:a:${'%'.repeat(n)}#a`,
  ].map((make) => ({ field: 'proxy', max: 2048, make, run: quiet(proxyRef) })),
  ...[
    (n: number) => `a/a${';a=a'.repeat(n)};`,
    (n: number) => `a/a${' ; a="'.repeat(n)}`,
    (n: number) => `a/a${' '.repeat(n)}!`,
    (n: number) => `a/a;a="${' '.repeat(n)}`,
    (n: number) => `a/a${'; a=""'.repeat(n)} `,
    (n: number) => `${'a'.repeat(n)}/${'a'.repeat(n)}\n`,
  ].map((make) => ({ field: 'encoding', max: 255, make, run: quiet(mimeType) })),
  ...[
    (n: number) => `${'did:a:'.repeat(n)}!`,
    (n: number) => `did:a:a${'#a'.repeat(n)}`,
    (n: number) => `did:a:${'a:'.repeat(n)}`,
    (n: number) => `did:a:a#${'~'.repeat(n)} `,
  ].map((make) => ({ field: 'aud', max: 2048, make, run: quiet(audience) })),
  ...[
    (n: number) => `${'did:a:'.repeat(n)}!`,
    (n: number) => `did:a:${'a:'.repeat(n)}`,
    (n: number) => `did:${'a'.repeat(n)}`,
    (n: number) => `did:a:${'a%'.repeat(n)}`,
  ].map((make) => ({ field: 'did', max: 2048, make, run: quiet(did) })),
  ...[(n: number) => `${'a.'.repeat(n)} `, (n: number) => `${'_-'.repeat(n)}=`].map((make) => ({
    field: 'query key',
    max: 256,
    make,
    run: viaQueryKey,
  })),
  ...[
    (n: number) => `${'AAAA'.repeat(n)}A!==`,
    (n: number) => `${'AAAA'.repeat(n)}=A==`,
    (n: number) => `${'+/'.repeat(n * 2)}A===`,
  ].map((make) => ({
    field: '$bytes',
    max: BASE64_MAX,
    make,
    run: viaBytes,
  })),
];

/** Milliseconds per call, the best of a few rounds of enough calls to last about `budgetMs`. */
function timePerCall(run: (value: string) => void, value: string, budgetMs = 4): number {
  let reps = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) run(value);
    const elapsed = performance.now() - start;
    if (elapsed >= budgetMs || reps >= 1 << 16) break;
    reps *= 4;
  }
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) run(value);
    best = Math.min(best, (performance.now() - start) / reps);
  }
  return best;
}

/** The largest n whose value fits in `max` (at most `cap`). */
function largestFitting(make: (n: number) => string, max: number, cap = 1 << 24): number {
  let lo = 1;
  let hi = 2;
  while (hi < cap && make(hi).length <= max) hi *= 2;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (make(mid).length <= max) lo = mid;
    else hi = mid;
  }
  return lo;
}

describe('patterned fields: linear time on pathological input', () => {
  /** Below this, a time is noise (per call, in ms). */
  const FLOOR_MS = 0.002;

  it('every field answers pathological values fast, in time linear in their length', () => {
    const rows: string[] = [];
    const failures: string[] = [];
    for (const { field, max, make, run } of PATHOLOGIES) {
      // Sizes n and 8n, both within the field's length bound (so the validator runs, not just the bound).
      const big = field === '$bytes' ? Math.floor(largestFitting(make, max) / 8) : largestFitting(make, max);
      const n = Math.max(1, Math.floor(big / 8));
      const small = make(n);
      const large = make(8 * n);
      let tSmall = timePerCall(run, small);
      let tLarge = timePerCall(run, large);
      let ratio = tLarge / Math.max(tSmall, FLOOR_MS);
      // A busy machine (CI compiles beside the tests) can spoil one measurement; a blow-up fails every time.
      for (let retry = 0; retry < 3 && ratio >= 40; retry++) {
        tSmall = timePerCall(run, small);
        tLarge = timePerCall(run, large);
        ratio = Math.min(ratio, tLarge / Math.max(tSmall, FLOOR_MS));
      }

      // At and just over the length bound: one call each, timed on its own.
      const atMax = make(largestFitting(make, max) + 1).slice(0, max);
      const overMax = `${atMax}a`;
      // The quickest of three single calls: a pause for another process is not the validator's time.
      const single = (value: string) =>
        Math.min(
          ...[0, 1, 2].map(() => {
            const start = performance.now();
            run(value);
            return performance.now() - start;
          }),
        );
      const tAtMax = single(atMax);
      const tOverMax = single(overMax);

      const sample = JSON.stringify(make(2)).slice(0, 40);
      rows.push(
        `${field.padEnd(9)} ${sample.padEnd(40)} len ${String(small.length).padStart(8)}: ${(tSmall * 1000).toFixed(2).padStart(9)} µs` +
          `  len ${String(large.length).padStart(8)}: ${(tLarge * 1000).toFixed(2).padStart(9)} µs  ×${ratio.toFixed(1).padStart(5)}` +
          `  at max ${String(atMax.length).padStart(8)}: ${tAtMax.toFixed(3)} ms  over: ${tOverMax.toFixed(3)} ms`,
      );
      // The $bytes body is megabytes long, so its absolute bound is per megabyte.
      const bound = field === '$bytes' ? 50 * Math.max(1, atMax.length / 1e6) : 50;
      if (tAtMax >= bound) failures.push(`${field} ${sample}: ${tAtMax.toFixed(1)} ms at max length ${atMax.length}`);
      if (tOverMax >= bound) failures.push(`${field} ${sample}: ${tOverMax.toFixed(1)} ms over max length`);
      if (ratio >= 40) failures.push(`${field} ${sample}: 8× the length took ${ratio.toFixed(1)}× the time`);
    }
    console.log(
      `linear-time validation (per call; sizes n and 8n; ratio = t(8n)/max(t(n), ${FLOOR_MS * 1000} µs)):\n${rows.join('\n')}`,
    );
    expect(failures).toEqual([]);
  }, 120_000);

  it('the whole xrpc params object with every field at its worst stays fast', () => {
    const params = {
      nsid: `${'a.'.repeat(150)}-`,
      encoding: `a/a${' ; a="'.repeat(41)}`,
      proxy: `${'did:a:'.repeat(300)}#`,
      did: `${'did:a:'.repeat(300)}!`,
      labelers: `${'did:a:a:'.repeat(500)}!`,
    };
    for (const [key, value] of Object.entries(params)) {
      const start = performance.now();
      expect(() => xrpcParams({ nsid: 'a.b.c', [key]: value }, 'params')).toThrow(`params.${key}`);
      expect(performance.now() - start).toBeLessThan(50);
    }
  });
});
