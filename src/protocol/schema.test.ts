import { describe, expect, it } from 'vitest';
import { privilegedRequest } from './privileged';
import { array, did, integer, literal, object, optional, SchemaError, string, union } from './schema';

describe('schema', () => {
  const point = object({
    kind: literal('point'),
    x: integer({ min: 0, max: 10 }),
    label: optional(string({ max: 5 })),
  });

  it('accepts valid input and drops absent optionals', () => {
    expect(point({ kind: 'point', x: 3 })).toEqual({ kind: 'point', x: 3 });
  });

  it.each([
    [null, 'message: expected an object'],
    [{ kind: 'point', x: 3, extra: 1 }, 'extra: unexpected field'],
    [{ kind: 'line', x: 3 }, 'kind: expected one of point'],
    [{ kind: 'point', x: 11 }, 'x: more than 10'],
    [{ kind: 'point', x: 1.5 }, 'x: expected an integer'],
    [{ kind: 'point', x: 1, label: 'toolong' }, 'label: longer than 5'],
  ])('rejects %j with a path', (input, message) => {
    expect(() => point(input)).toThrow(new SchemaError('', '').constructor);
    expect(() => point(input)).toThrow(message);
  });

  it('rejects objects that are not plain (class instances, arrays)', () => {
    expect(() =>
      point(
        new (class {
          kind = 'point';
          x = 1;
        })(),
      ),
    ).toThrow('expected an object');
    expect(() => point([])).toThrow('expected an object');
  });

  it('bounds arrays', () => {
    expect(() => array(integer(), { max: 2 })([1, 2, 3])).toThrow('more than 2 items');
    expect(() => array(integer())([1, 'x'])).toThrow('[1]: expected an integer');
  });

  it('unions pick the first matching shape', () => {
    const p = union(literal('a'), integer());
    expect(p('a')).toBe('a');
    expect(p(5)).toBe(5);
    expect(() => p(true)).toThrow('matches no allowed shape');
  });

  it('validates DIDs', () => {
    expect(did('did:plc:abc123')).toBe('did:plc:abc123');
    expect(() => did('plc:abc')).toThrow('invalid format');
    expect(() => did('did:plc:')).toThrow('invalid format');
  });
});

describe('privileged requests', () => {
  it('accepts known operations', () => {
    expect(privilegedRequest({ op: 'login.start', input: 'alice.test' })).toEqual({
      op: 'login.start',
      input: 'alice.test',
    });
    expect(privilegedRequest({ op: 'accounts.signOut', did: 'did:plc:x' })).toEqual({
      op: 'accounts.signOut',
      did: 'did:plc:x',
    });
  });
  it('rejects unknown operations and bad fields', () => {
    expect(() => privilegedRequest({ op: 'accounts.exportKeys' })).toThrow(SchemaError);
    expect(() => privilegedRequest({ op: 'accounts.signOut', did: 'alice' })).toThrow(SchemaError);
    expect(() => privilegedRequest({ op: 'login.start', input: 'x'.repeat(513) })).toThrow(SchemaError);
  });
});
