/**
 * The machinery `@oon/server` and `@oon/client` share: no public API, and any release may
 * change it. Users import from `@oon/wire` (or, better, `@oon/server`/`@oon/client`).
 *
 * @packageDocumentation
 * @internal
 */
export { errorFrame } from './error-report';
export { checkLimits } from './check-limits';
export { checkLogger, log, logFault, logLinkClosed } from './logger';
export { sniffForeignProtocol } from './protocol-sniffer';
export { checkEndpointCodecOptions } from './codec-options';
export { parseHello, agreeCodec, acceptedCodec, clientHello, serverHello, encodeHello } from './handshake';
export type { Hello, HelloOptions, ClientHelloOptions } from './handshake';
export { parseSchema } from './registry-schema';
export { diffSchemas, checkSchemas, MAX_LISTED_DIFFERENCES } from './schema-diff';
export { Connection } from './connection';
export { isResumable } from './connection-options';
export { describeLinkLoss } from './link-loss';
export type { LinkLoss } from './link-loss';
export type { ConnectionEvents, ConnectionOwner, ResumeProof, SessionGrant } from './connection-options';
export { Session } from './session';
export { SEQ_BYTES } from './seq';
export { checkSessionProof, randomSecret, sessionProof, SESSION_SECRET_BYTES } from './session-proof';
export type { SessionHello, SessionBinding, SessionLink, SessionOptions } from './session';
export { encodeMessageFrame } from './message-frame';
export { SharedMessage } from './shared-message';
export type { PayloadKey } from './shared-message';
export { quietly, rejectedQuietly, settle } from './send-outcome';
export type { SendOutcome } from './send-outcome';
export { CONTROL_ALLOWANCE_BYTES } from './outbox';
export { Inbox } from './inbox';
export type { InboxOptions } from './inbox';
export { JsonDocumentSplitter } from './json-document-splitter';
export type { JsonDocumentSplitterOptions } from './json-document-splitter';
export { forInstancesOf } from './class-filter';
export { PendingRequests, RequestHandlers } from './requests';
export type { PendingRequestsHooks } from './requests';
export { checkSocketPath } from './address';
export type { EndpointAddress } from './address';
