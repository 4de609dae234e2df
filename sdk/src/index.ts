/**
 * @atkeyring/sdk — typed client for ATProto providers such as AT Keyring.
 *
 * Core entry point: no dependencies. The `@atproto/api` adapter lives in
 * `@atkeyring/sdk/agent` and JWT verification in `@atkeyring/sdk/verify`,
 * so a site only bundles what it imports.
 */
export {
  CAPABILITIES,
  CONTRACT_VERSION,
  LIMITS,
  PROVIDER_METHODS,
} from './contract.js';
export { KeyringClient, type KeyringEventName, type KeyringListener } from './client.js';
export {
  ANNOUNCE_EVENT,
  ATKEYRING_RDNS,
  DEFAULT_DISCOVERY_TIMEOUT_MS,
  discoverProviders,
  findProvider,
  REQUEST_EVENT,
  supportsCapability,
  type DiscoveryOptions,
  type DiscoveryWindow,
  type FindProviderOptions,
  type FoundProvider,
} from './discovery.js';
export {
  ERROR_REASONS,
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
  type ErrorCodeValue,
  type ErrorReason,
  type ProviderErrorShape,
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
