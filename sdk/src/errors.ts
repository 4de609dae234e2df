/**
 * Typed errors for provider rejections. The codes, the error shape and the
 * `data.reason` strings are the contract's (./contract.ts), re-exported here.
 */
import { ErrorCode, type ProviderErrorShape } from './contract.js';

export {
  ERROR_REASONS,
  ErrorCode,
  type ErrorCodeValue,
  type ErrorReason,
  type ProviderErrorShape,
} from './contract.js';

/** Base class of every error a provider call rejects with. */
export class KeyringError extends Error implements ProviderErrorShape {
  override name = 'KeyringError';
  readonly code: number;
  readonly data?: unknown;

  constructor(code: number, message: string, data?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    if (data !== undefined) this.data = data;
  }

  toJSON(): ProviderErrorShape {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** 4001: the user declined the prompt. */
export class UserRejectedError extends KeyringError {
  override name = 'UserRejectedError';
  constructor(message = 'The user rejected the request', data?: unknown, options?: { cause?: unknown }) {
    super(ErrorCode.userRejected, message, data, options);
  }
}

/** 4100: not connected, or the call is outside this origin's grant (and no prompt was allowed). */
export class UnauthorizedError extends KeyringError {
  override name = 'UnauthorizedError';
  constructor(
    message = "Not connected, or not allowed by this site's grant",
    data?: unknown,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.unauthorized, message, data, options);
  }
}

/** 4200: the provider does not know the method. */
export class UnsupportedMethodError extends KeyringError {
  override name = 'UnsupportedMethodError';
  constructor(message = 'Unsupported method', data?: unknown, options?: { cause?: unknown }) {
    super(ErrorCode.unsupportedMethod, message, data, options);
  }
}

/** 4900: the account's session ended (signed out, expired, revoked); connect again. */
export class SessionGoneError extends KeyringError {
  override name = 'SessionGoneError';
  constructor(message = "The account's session is gone; connect again", data?: unknown, options?: { cause?: unknown }) {
    super(ErrorCode.sessionGone, message, data, options);
  }
}

/** -32002: a prompt for this site is already open; wait for it. */
export class PromptPendingError extends KeyringError {
  override name = 'PromptPendingError';
  constructor(message = 'A prompt for this site is already pending', data?: unknown, options?: { cause?: unknown }) {
    super(ErrorCode.promptPending, message, data, options);
  }
}

/** -32005: too many requests; back off. */
export class RateLimitedError extends KeyringError {
  override name = 'RateLimitedError';
  constructor(message = 'Rate limited', data?: unknown, options?: { cause?: unknown }) {
    super(ErrorCode.rateLimited, message, data, options);
  }
}

/** -32602: the params failed validation (schema, size). */
export class InvalidParamsError extends KeyringError {
  override name = 'InvalidParamsError';
  constructor(message = 'Invalid params', data?: unknown, options?: { cause?: unknown }) {
    super(ErrorCode.invalidParams, message, data, options);
  }
}

/** -32603: something failed inside the provider (including timeouts, see `data.reason`). */
export class InternalError extends KeyringError {
  override name = 'InternalError';
  constructor(message = 'Internal error', data?: unknown, options?: { cause?: unknown }) {
    super(ErrorCode.internal, message, data, options);
  }
}

/** No provider answered discovery and `window.atproto` is absent. Not a provider error, so it has no code. */
export class ProviderNotFoundError extends Error {
  override name = 'ProviderNotFoundError';
  constructor(message = 'No ATProto provider found (is AT Keyring installed?)') {
    super(message);
  }
}

/**
 * A provider was found but cannot serve this site: its contract's major version is not this SDK's, or it lacks
 * a capability the site asked for (`requires`). Not a provider error, so it has no code.
 */
export class ProviderUnsupportedError extends Error {
  override name = 'ProviderUnsupportedError';
  constructor(
    message: string,
    /** The provider's contract version ('1' when it announces none). */
    readonly contractVersion: string,
    /** The required capabilities it does not list. */
    readonly missing: readonly string[],
  ) {
    super(message);
  }
}

type KeyringErrorClass = new (message?: string, data?: unknown, options?: { cause?: unknown }) => KeyringError;

const BY_CODE: Record<number, KeyringErrorClass> = {
  [ErrorCode.userRejected]: UserRejectedError,
  [ErrorCode.unauthorized]: UnauthorizedError,
  [ErrorCode.unsupportedMethod]: UnsupportedMethodError,
  [ErrorCode.sessionGone]: SessionGoneError,
  [ErrorCode.promptPending]: PromptPendingError,
  [ErrorCode.rateLimited]: RateLimitedError,
  [ErrorCode.invalidParams]: InvalidParamsError,
  [ErrorCode.internal]: InternalError,
};

/**
 * Turns whatever a provider rejected with into a typed {@link KeyringError}.
 * Known codes get their subclass, unknown numeric codes the base class, and
 * anything without a code (a bug, a foreign provider) an {@link InternalError}
 * with the original as `cause`.
 */
export function fromProviderError(e: unknown): KeyringError {
  if (e instanceof KeyringError) return e;
  if (typeof e === 'object' && e !== null) {
    const { code, message, data } = e as { code?: unknown; message?: unknown; data?: unknown };
    if (typeof code === 'number' && Number.isFinite(code)) {
      const text = typeof message === 'string' && message ? message : undefined;
      const Known = BY_CODE[code];
      return Known
        ? new Known(text, data, { cause: e })
        : new KeyringError(code, text ?? `Provider error ${code}`, data, { cause: e });
    }
  }
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : 'Unknown provider failure';
  return new InternalError(message, undefined, { cause: e });
}

/**
 * Finds a KeyringError in an error or its `cause` chain. Useful with
 * `@atproto/api`, whose XrpcClient wraps anything a fetch handler throws in
 * an `XRPCError` (keeping the original as `cause`).
 */
export function findKeyringError(e: unknown): KeyringError | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 8; depth++) {
    if (cur instanceof KeyringError) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when `e` (or its cause chain) is a KeyringError with the given code. */
export function isKeyringError(e: unknown, code?: number): boolean {
  const found = findKeyringError(e);
  return found !== undefined && (code === undefined || found.code === code);
}
