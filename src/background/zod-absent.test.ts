import { describe, expect, it } from 'vitest';
import { z } from './zod-absent';

const zod = z as any;

describe('the stand-in for zod in the background build', () => {
  it('builds schemas the way @atproto/did does as it loads', () => {
    const didSchema = zod
      .string()
      .superRefine(() => true)
      .refine(() => true, { message: 'x' });
    const document = zod.object({ id: didSchema, service: zod.array(zod.object({ id: zod.string() })).optional() });
    expect(() => zod.union([document, zod.literal('a')]).transform((v: unknown) => v)).not.toThrow();
  });

  it('refuses to parse, so a schema used by mistake fails loudly rather than passing anything', () => {
    const schema = zod.string().min(1);
    for (const use of ['parse', 'safeParse', 'parseAsync', 'safeParseAsync'])
      expect(() => schema[use]('did:plc:x')).toThrow(/not part of the background/);
  });

  it('is nothing an error or value is an instance of, and not a promise', async () => {
    class ZodLike extends Error {}
    expect(new ZodLike() instanceof zod.ZodError).toBe(false);
    expect({} instanceof zod.ZodError).toBe(false);
    expect(zod.then).toBeUndefined();
    expect(await Promise.resolve(zod.string())).toBe(zod.string());
    expect(String(zod.string())).toBe('[unused zod schema]');
  });
});
