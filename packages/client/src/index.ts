export { OonClient } from './oon-client';
export { DEFAULT_HOST, DEFAULT_PORT } from '@oon/wire';
export { DEFAULT_CONNECT_TIMEOUT, resolveClientOptions } from './options';
export type { OonClientOptions, ResolvedClientOptions, ClientTlsOptions, Pem } from './options';
export type { OonClientEvents } from './events';
export type { DisconnectReason } from '@oon/wire';
