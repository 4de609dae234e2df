import { ensureValidDid } from '@atproto/syntax';
import { isPlainObject, SchemaError } from './basics';

/**
 * A tiny runtime schema library for messages crossing trust boundaries.
 * Every parser either returns a value of its type or throws SchemaError with
 * the path of the first bad field; nothing unchecked gets through.
 */
export { isPlainObject, SchemaError };

export type Parser<T> = (input: unknown, path?: string) => T;
export type Infer<P> = P extends Parser<infer T> ? T : never;

/**
 * A bounded string. The length bound is checked first, so `pattern` and
 * `check` only ever see short input. Page data must never meet a regex that
 * can backtrack: a `pattern` is for tiny anchored character classes (no
 * nested or overlapping quantifiers); anything with structure gets a `check`,
 * a hand-written linear-time validator.
 */
export const string =
  (opts: { max?: number; min?: number; pattern?: RegExp; check?: (s: string) => boolean } = {}): Parser<string> =>
  (input, path = '') => {
    if (typeof input !== 'string') throw new SchemaError(path, 'expected a string');
    if (opts.min !== undefined && input.length < opts.min) throw new SchemaError(path, `shorter than ${opts.min}`);
    if (input.length > (opts.max ?? 10_000)) throw new SchemaError(path, `longer than ${opts.max ?? 10_000}`);
    if (opts.pattern && !opts.pattern.test(input)) throw new SchemaError(path, 'has an invalid format');
    if (opts.check && !opts.check(input)) throw new SchemaError(path, 'has an invalid format');
    return input;
  };

export const literal =
  <const T extends string | number | boolean>(...values: T[]): Parser<T> =>
  (input, path = '') => {
    if (!values.includes(input as T)) throw new SchemaError(path, `expected one of ${values.join(', ')}`);
    return input as T;
  };

export const boolean: Parser<boolean> = (input, path = '') => {
  if (typeof input !== 'boolean') throw new SchemaError(path, 'expected a boolean');
  return input;
};

export const integer =
  (opts: { min?: number; max?: number } = {}): Parser<number> =>
  (input, path = '') => {
    if (typeof input !== 'number' || !Number.isSafeInteger(input)) throw new SchemaError(path, 'expected an integer');
    if (opts.min !== undefined && input < opts.min) throw new SchemaError(path, `less than ${opts.min}`);
    if (opts.max !== undefined && input > opts.max) throw new SchemaError(path, `more than ${opts.max}`);
    return input;
  };

export const optional =
  <T>(parser: Parser<T>): Parser<T | undefined> =>
  (input, path) =>
    input === undefined ? undefined : parser(input, path);

type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** Fields whose parser may return undefined become optional keys. */
export type ObjectOf<S extends Record<string, Parser<unknown>>> = Simplify<
  { [K in keyof S as undefined extends Infer<S[K]> ? never : K]: Infer<S[K]> } & {
    [K in keyof S as undefined extends Infer<S[K]> ? K : never]?: Infer<S[K]>;
  }
>;

/** An object with exactly these fields (unknown fields are rejected). */
export const object =
  <S extends Record<string, Parser<unknown>>>(shape: S): Parser<ObjectOf<S>> =>
  (input, path = '') => {
    if (!isPlainObject(input)) throw new SchemaError(path, 'expected an object');
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(shape, key)) throw new SchemaError(path ? `${path}.${key}` : key, 'unexpected field');
    }
    const out: Record<string, unknown> = {};
    for (const [key, parser] of Object.entries(shape)) {
      const value = parser(input[key], path ? `${path}.${key}` : key);
      if (value !== undefined) out[key] = value;
    }
    return out as ObjectOf<S>;
  };

export const array =
  <T>(item: Parser<T>, opts: { max?: number } = {}): Parser<T[]> =>
  (input, path = '') => {
    if (!Array.isArray(input)) throw new SchemaError(path, 'expected an array');
    if (input.length > (opts.max ?? 1000)) throw new SchemaError(path, `more than ${opts.max ?? 1000} items`);
    return input.map((v, i) => item(v, `${path}[${i}]`));
  };

export const union =
  <P extends Parser<unknown>[]>(...parsers: P): Parser<Infer<P[number]>> =>
  (input, path = '') => {
    for (const parser of parsers) {
      try {
        return parser(input, path) as Infer<P[number]>;
      } catch (err) {
        if (!(err instanceof SchemaError)) throw err;
      }
    }
    throw new SchemaError(path, 'matches no allowed shape');
  };

/**
 * Whether `input` is a DID (`did:method:id`), by @atproto/syntax's
 * hand-written `ensureValidDid`: prefix, length and last-character checks,
 * one single-class regex over the characters, a split on ':' and a
 * single-class regex over the method. Linear time; the same language as the
 * spec regex `^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$`, at most 2048 chars.
 */
export function isDid(input: string): boolean {
  try {
    ensureValidDid(input);
    return true;
  } catch {
    return false;
  }
}

/** A DID (`did:method:id`). */
export const did = string({ max: 2048, check: isDid });
