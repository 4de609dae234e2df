/**
 * @atkeyring/sdk — typed client for ATProto providers such as AT Keyring.
 *
 * Core entry point: no dependencies. The `@atproto/api` adapter lives in
 * `@atkeyring/sdk/agent` and JWT verification in `@atkeyring/sdk/verify`,
 * so a site only bundles what it imports.
 */

export { type DiscoverOptions, KeyringClient, type KeyringEventName, type KeyringListener } from './client.js';
export {
  CAPABILITIES,
  CONTRACT_VERSION,
  LIMITS,
  PROVIDER_METHODS,
} from './contract.js';
export {
  ANNOUNCE_EVENT,
  ATKEYRING_RDNS,
  DEFAULT_DISCOVERY_TIMEOUT_MS,
  type DiscoveryOptions,
  type DiscoveryWindow,
  discoverProviders,
  type FindProviderOptions,
  type FoundProvider,
  findProvider,
  REQUEST_EVENT,
  supportsCapability,
} from './discovery.js';
export {
  ERROR_REASONS,
  ErrorCode,
  type ErrorCodeValue,
  type ErrorReason,
  findKeyringError,
  fromProviderError,
  InternalError,
  InvalidParamsError,
  isKeyringError,
  KeyringError,
  PromptPendingError,
  type ProviderErrorShape,
  ProviderNotFoundError,
  ProviderUnsupportedError,
  RateLimitedError,
  SessionGoneError,
  UnauthorizedError,
  UnsupportedMethodError,
  UserRejectedError,
} from './errors.js';
export type {
  AccountSummary,
  AtprotoProvider,
  Capability,
  ConnectParams,
  ConnectResult,
  DisconnectEvent,
  KeyringEvents,
  ProviderDetail,
  ProviderEventName,
  ProviderEvents,
  ProviderInfo,
  ProviderMethod,
  ProviderMethods,
  QueryParams,
  QueryValue,
  ServiceAuthRequest,
  ServiceAuthResult,
  XrpcRequest,
  XrpcResult,
} from './types.js';
