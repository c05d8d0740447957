export { OonServer } from './oon-server';
export { Peer } from './peer';
export type { PeerData } from './peer';
export { BroadcastOperator } from './broadcast-operator';
export type { PeerRef } from './broadcast-operator';
export type { Adapter, AdapterFactory, AdapterHost, ClusterPayload, PeerSelection, PeerSnapshot, RemotePeer, SessionClaim, SessionProgress, SessionRecord, SessionStore } from './adapter';
export type { Room } from './rooms';
export { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_CONNECTIONS } from '@oon/wire';
export {
  DEFAULT_BACKLOG,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_MAX_HANDSHAKING,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  DEFAULT_MAX_HANDSHAKING_PER_ADDRESS,
  resolveServerOptions,
} from './options';
export type { OonServerOptions, ResolvedServerOptions, ServerTlsOptions, Pem, AuthCheck, ClientAddress } from './options';
export type { ServerWebSocketOptions, ResolvedWebSocketOptions, OriginCheck } from './websocket-options';
export type { OonServerEvents } from './events';
export type { BroadcastResult, BroadcastFailure } from './broadcast';
export type { DisconnectReason } from '@oon/wire';
export type { MessageRejection, RequestOptions, UncheckedRequestOptions } from '@oon/wire';
// The other @oon/wire types this package's signatures name, so a project needs no direct @oon/wire dependency.
export type { AnyClass, CodecOptions, ConnectionOptions, DeliveryStats, Logger, ReceiveOptions, RequestHandler, SchemaProblems } from '@oon/wire';
