import { concatBytes, utf8Bytes } from '../platform/bytes';
import { hmacSha256, randomBytes, verifyHmacSha256 } from '../platform/crypto';

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
export function randomSecret(): Uint8Array {
  return randomBytes(SESSION_SECRET_BYTES);
}

/** What the proof signs: the label, the nonce and the session id, one after another. */
function signed(nonce: Uint8Array, id: string): Uint8Array {
  return concatBytes([utf8Bytes(LABEL), nonce, utf8Bytes(id)]);
}

/** The proof over `nonce` for session `id` under `secret`: what a resuming client sends. */
export function sessionProof(secret: Uint8Array, nonce: Uint8Array, id: string): Promise<Uint8Array> {
  return hmacSha256(secret, signed(nonce, id));
}

/** Whether `proof` is the proof over `nonce` for session `id` under `secret`, compared in constant time (Web Crypto's `verify`). */
export async function checkSessionProof(secret: Uint8Array, nonce: Uint8Array, id: string, proof: Uint8Array): Promise<boolean> {
  return proof.length === SESSION_PROOF_BYTES && (await verifyHmacSha256(secret, signed(nonce, id), proof));
}
