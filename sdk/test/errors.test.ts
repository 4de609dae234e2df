import { describe, expect, it } from 'vitest';
import { ProviderRpcError } from '../../src/protocol/page';
import {
  ErrorCode,
  findKeyringError,
  fromProviderError,
  InternalError,
  InvalidParamsError,
  isKeyringError,
  KeyringError,
  PromptPendingError,
  ProviderNotFoundError,
  RateLimitedError,
  SessionGoneError,
  UnauthorizedError,
  UnsupportedMethodError,
  UserRejectedError,
} from '../src/errors';

describe('fromProviderError', () => {
  const cases = [
    [4001, UserRejectedError],
    [4100, UnauthorizedError],
    [4200, UnsupportedMethodError],
    [4900, SessionGoneError],
    [-32002, PromptPendingError],
    [-32005, RateLimitedError],
    [-32602, InvalidParamsError],
    [-32603, InternalError],
  ] as const;

  it.each(cases)('maps %i to its class, keeping message and data', (code, Class) => {
    const original = new ProviderRpcError(code, `failed with ${code}`, { reason: 'x' });
    const e = fromProviderError(original);
    expect(e).toBeInstanceOf(Class);
    expect(e).toBeInstanceOf(KeyringError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ code, message: `failed with ${code}`, data: { reason: 'x' }, name: Class.name });
    expect(e.cause).toBe(original);
    expect(e.toJSON()).toEqual({ code, message: `failed with ${code}`, data: { reason: 'x' } });
  });

  it('accepts plain { code, message } objects and fills in a default message', () => {
    const e = fromProviderError({ code: 4001 });
    expect(e).toBeInstanceOf(UserRejectedError);
    expect(e.message).toBe('The user rejected the request');
    expect(e.data).toBeUndefined();
    expect(e.toJSON()).toEqual({ code: 4001, message: 'The user rejected the request' });
  });

  it('keeps unknown codes on the base class', () => {
    const e = fromProviderError({ code: 1234, message: 'odd' });
    expect(e.constructor).toBe(KeyringError);
    expect(e).toMatchObject({ code: 1234, message: 'odd' });
  });

  it('turns errors without a code into InternalError with the cause', () => {
    const boom = new TypeError('boom');
    const e = fromProviderError(boom);
    expect(e).toBeInstanceOf(InternalError);
    expect(e).toMatchObject({ code: -32603, message: 'boom' });
    expect(e.cause).toBe(boom);
    expect(fromProviderError('text')).toMatchObject({ code: -32603, message: 'text' });
    expect(fromProviderError(undefined)).toBeInstanceOf(InternalError);
  });

  it('returns KeyringErrors unchanged', () => {
    const e = new SessionGoneError();
    expect(fromProviderError(e)).toBe(e);
  });
});

describe('findKeyringError / isKeyringError', () => {
  it('finds a KeyringError through cause chains (as XRPCError wraps it)', () => {
    const inner = new UnauthorizedError('nope');
    const wrapped = new Error('outer', { cause: new Error('middle', { cause: inner }) });
    expect(findKeyringError(wrapped)).toBe(inner);
    expect(isKeyringError(wrapped)).toBe(true);
    expect(isKeyringError(wrapped, ErrorCode.unauthorized)).toBe(true);
    expect(isKeyringError(wrapped, ErrorCode.userRejected)).toBe(false);
    expect(findKeyringError(new Error('plain'))).toBeUndefined();
    expect(findKeyringError(null)).toBeUndefined();
  });

  it('stops on cyclic cause chains', () => {
    const a: any = new Error('a');
    a.cause = a;
    expect(findKeyringError(a)).toBeUndefined();
  });

  it('ProviderNotFoundError is not a provider error', () => {
    const e = new ProviderNotFoundError();
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(KeyringError);
    expect(e.name).toBe('ProviderNotFoundError');
  });
});
