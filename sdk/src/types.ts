/**
 * The provider contract's types (defined once, in ./contract.ts, which the
 * extension uses too), plus the SDK's own names for them.
 */
import type { ProviderEvents } from './contract.js';

export type {
  AccountSummary,
  AtprotoProvider,
  Capability,
  ConnectParams,
  ConnectResult,
  DisconnectEvent,
  ErrorReason,
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
} from './contract.js';

/** Event names and payloads of {@link KeyringClient.on} (the contract's events). */
export type KeyringEvents = ProviderEvents;
