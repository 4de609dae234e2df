/**
 * What every hop's checks share, without the validators (they pull in
 * @atproto/syntax, which the main-world provider does not need).
 */
export class SchemaError extends Error {
  name = 'SchemaError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path || 'message'}: ${problem}`);
  }
}

export function isPlainObject(input: unknown): input is Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const proto = Object.getPrototypeOf(input);
  return proto === Object.prototype || proto === null;
}
