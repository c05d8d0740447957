import type { OonError } from '@oon/core';
import type { DisconnectReason } from './connection-options';

/** `1.2 s` or `350 ms`: a duration for a message. */
function formatDuration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/** When and how a link was lost, for the message of a call made without it. */
export interface LinkLoss {
  /** `Date.now()` when the link closed. */
  readonly at: number;
  readonly reason: DisconnectReason;
  /** What failed, unless the link ended cleanly. */
  readonly error: OonError | undefined;
}

/**
 * `the link to H:P was lost 3.2 s ago (timeout: H:P did not answer a ping …)`: the
 * start of the message both endpoints give a call made while a lost link is awaited
 * back, so it reads the same on either side.
 */
export function describeLinkLoss(where: string, loss: LinkLoss): string {
  const why = loss.error === undefined ? loss.reason : `${loss.reason}: ${loss.error.message}`;
  return `the link to ${where} was lost ${formatDuration(Date.now() - loss.at)} ago (${why})`;
}
