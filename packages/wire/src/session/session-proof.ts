import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Proof that a client resuming a session holds the session's secret (docs/protocol.md,
 * "Resuming a session"). The server makes the secret when it grants a session and sends
 * it once, in that hello; a client that resumes is sent a fresh nonce (a Challenge frame)
 * and answers with HMAC-SHA256 under the secret (a Proof frame). The secret never
 * travels again, and a nonce serves one connection, so whoever saw a session id, or a
 * whole earlier resume, cannot resume the session.
 */

/** Bytes of a session's secret, and of a challenge's nonce. */
export const SESSION_SECRET_BYTES = 32;

/** Bytes of a proof: one HMAC-SHA256. */
export const SESSION_PROOF_BYTES = 32;

/** Separates this use of the secret from any other, should one ever be added. */
const LABEL = 'oon session resume v1';

/** A new random secret (for a granted session) or nonce (for a challenge). */
export function randomSecret(): Buffer {
  return randomBytes(SESSION_SECRET_BYTES);
}

/** The proof over `nonce` for session `id` under `secret`: what a resuming client sends. */
export function sessionProof(secret: Uint8Array, nonce: Uint8Array, id: string): Buffer {
  return createHmac('sha256', secret).update(LABEL).update(nonce).update(id, 'utf8').digest();
}

/** Whether `proof` is the proof over `nonce` for session `id` under `secret`, compared in constant time. */
export function checkSessionProof(secret: Uint8Array, nonce: Uint8Array, id: string, proof: Uint8Array): boolean {
  return proof.length === SESSION_PROOF_BYTES && timingSafeEqual(sessionProof(secret, nonce, id), proof);
}
