/**
 * OON for NestJS: {@link OonTransport}, a microservice transport strategy, and
 * {@link OonClientProxy}, a `ClientProxy`, both carrying real class instances.
 *
 * @packageDocumentation
 */
export { OonTransport, OON_TRANSPORT } from './oon-transport';
export type { OonTransportOptions, OonTransportStatus, OonTransportEvents } from './oon-transport';
export { OonClientProxy } from './oon-client-proxy';
export type { OonClientProxyOptions, OonClientProxyStatus, OonClientProxyEvents } from './oon-client-proxy';
export { OonContext } from './oon-context';
export type { OonContextArgs } from './oon-context';
export { NestCall, NestReply, NestValue } from './carriers';
export type { ClassPattern } from './class-routes';
