export { OonClient } from './oon-client';
export { DEFAULT_HOST, DEFAULT_PORT } from '@oon/wire';
export { DEFAULT_CONNECT_TIMEOUT, resolveClientOptions } from './options';
export type { OonClientOptions, ResolvedClientOptions, ClientTlsOptions, ClientRequestOptions, ClientEndpoint, ResolvedEndpoint, Pem } from './options';
export type { OonClientEvents, ClientStatus, ReconnectInfo } from './events';
export { DEFAULT_RECONNECT_INITIAL_DELAY, DEFAULT_RECONNECT_MAX_DELAY } from './backoff';
export type { ReconnectOptions, ResolvedReconnectOptions } from './backoff';
export type { DisconnectReason } from '@oon/wire';
// Node loads class-validator by itself; a browser page that uses it hands it over (docs/browser.md).
export { useClassValidator, useJsonCodec } from '@oon/wire';
export type { ClassValidatorModule, ValidationError } from '@oon/wire';
export type { MessageRejection, RequestOptions, UncheckedRequestOptions } from '@oon/wire';
// The other @oon/wire types this package's signatures name, so a project needs no direct @oon/wire dependency.
export type { AnyClass, ConnectionOptions, DeliveryStats, Logger, ReceiveOptions, RequestHandler, SchemaProblems } from '@oon/wire';
