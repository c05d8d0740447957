import { BadDataError, type OonError, type Registry } from '@oon/core';
import { FrameKind } from '../framing/constants';
import type { ConnectionOwner, DisconnectReason, ResumeProof, SessionGrant } from '../connection/connection-options';
import { encodeFrame } from '../framing/frame-encoder';
import { acceptedCodec, agreeCodec, clientHello, encodeHello, linkClassNumbers, parseHello, refuseUnknownToPeer, serverHello, type Hello } from './handshake';
import { toOonError } from '../rpc/error-report';
import { classNumbering, describeRegistry, type RegistrySchema } from '../schema/registry-schema';
import { agreeSchemas, agreementProblems, type SchemaProblems } from '../schema/schema-agreement';
import { checkSchemas } from '../schema/schema-diff';
import type { SessionBinding } from '../session/session';
import { randomSecret } from '../session/session-proof';
import { copyBytes } from '../platform/bytes';
import type { ClassNumbers } from '../codec/codec-options';

/** What a {@link HandshakeDriver} needs from its connection. */
export interface HandshakeIo {
  readonly owner: ConnectionOwner;
  readonly registry: Registry;
  /** The codecs this side speaks, most preferred first. */
  readonly codecs: readonly string[];
  readonly maxFrameBytes: number;
  /** Our bound on the peer's requests in flight, announced in our hello. */
  readonly maxRequestsInFlight: number;
  /** What a schema that differs from ours does to the handshake (`ConnectionOptions.schemaPolicy`). */
  readonly schemaPolicy: SchemaPolicy;
  describePeer(): string;
  /** Writes a frame of the handshake (our hello, a Challenge, a Proof), straight to the socket: nothing else is queued before it. */
  writeHandshake(frame: Uint8Array): void;
  /** The peer's Error frame: it refused us, or could not even send its hello. */
  onPeerError(payload: Uint8Array): void;
  fail(error: OonError, reason: DisconnectReason): void;
  /** True once the connection has begun to close. */
  ending(): boolean;
  /** Stops handling frames (and reading) until `release()`: the peer's frames behind its hello wait. */
  hold(): void;
  release(): void;
  /**
   * The handshake is done: open with the agreed codec and, if one was agreed, the
   * session; `peerSchema` is the peer's schema when it differs from ours (the codec
   * then reads and writes by docs/evolution.md); `classNumbers`, both hellos' class
   * numbers when the codec names classes by them (docs/protocol.md, "Class numbers").
   */
  open(codec: string, binding: SessionBinding | undefined, peerSchema: RegistrySchema | undefined, classNumbers: ClassNumbers | undefined): void;
}

/**
 * What a peer schema that differs from this side's does to the handshake: `'compatible'`
 * connects and resolves each class by docs/evolution.md (a class the other side cannot
 * read fails only the messages that carry it); `'strict'` fails the handshake on any
 * difference in a class or enum both sides register.
 */
export type SchemaPolicy = 'compatible' | 'strict';

/**
 * Drives the OON handshake of one connection (docs/protocol.md, "Handshake"): sends our
 * hello (the registry's schema, the codecs, the token and session asked for or granted),
 * reads the peer's, agrees on a codec, lets the server's owner admit the client, compares
 * the schemas, and remembers which classes the peer knows, for `send()` to refuse others.
 */
export class HandshakeDriver {
  readonly #io: HandshakeIo;
  /** Named only when a send is refused: building the peer's address per send showed in the profile. */
  readonly #describePeer: () => string;
  /** Our registry as our hello described it, for comparing the peer's. */
  #schema: RegistrySchema | undefined;
  /** Our class numbers as our hello gave them. */
  #numbers: readonly string[] = [];
  /** The wire names of the peer's classes, once its hello listed them and they differ from ours. */
  #peerClasses: ReadonlySet<string> | undefined;
  #peerMaxRequests: number | undefined;
  /** Server side: the client's hello and the nonce it was challenged with, while its Proof is awaited. */
  #challenged: { hello: Hello; codec: string; nonce: Uint8Array } | undefined;
  /** The peer's schema, when it differs from ours and the policy is `'compatible'`. */
  #peerSchema: RegistrySchema | undefined;
  #problems: SchemaProblems | undefined;

  constructor(io: HandshakeIo) {
    this.#io = io;
    this.#describePeer = () => io.describePeer();
  }

  /** The client speaks first: sends its hello at once. The server waits for the client's. */
  start(): void {
    const { owner, codecs, maxRequestsInFlight } = this.#io;
    if (owner.role === 'client') {
      this.#sendHello((schema) =>
        clientHello(schema, {
          token: owner.token,
          codecs,
          session: owner.sessionRequest?.(),
          maxRequestsInFlight,
          schemaPolicy: this.#io.schemaPolicy,
          classNumbers: this.#numbers,
        }),
      );
    }
  }

  /** The peer's bound on our requests in flight, once its hello is read; `undefined` when it announced none. */
  get peerMaxRequestsInFlight(): number | undefined {
    return this.#peerMaxRequests;
  }

  /**
   * What cannot travel between the two schemas, per class and direction: `undefined`
   * when the peer's schema is ours (or it sent none), empty lists when every class
   * both register can be read by the other.
   */
  get schemaProblems(): SchemaProblems | undefined {
    return this.#problems;
  }

  /**
   * The `BadData` for an object whose class the peer's hello did not list, before
   * anything is written; `undefined` to send it.
   */
  refuseUnknown(object: object): BadDataError | undefined {
    return refuseUnknownToPeer(this.#peerClasses, this.#io.registry, object, this.#describePeer);
  }

  /** Handles a frame that arrived before the handshake finished: the peer's hello, a Challenge or Proof, or its Error frame. */
  onFrame(kind: number, payload: Uint8Array): void {
    const io = this.#io;
    if (kind === FrameKind.Error) {
      io.onPeerError(payload);
      return;
    }
    if (this.#challenged !== undefined) {
      this.#onProof(kind, payload, this.#challenged);
      return;
    }
    if (kind === FrameKind.Challenge && io.owner.role === 'client') {
      void this.#prove(payload);
      return;
    }
    if (kind !== FrameKind.Hello) {
      io.fail(new BadDataError(`peer's first frame is of kind ${kind}, not hello; is the peer speaking OON?`), 'bad data');
      return;
    }
    let hello: Hello;
    let codec: string;
    try {
      hello = parseHello(payload);
      codec = io.owner.role === 'client' ? acceptedCodec(hello, io.codecs) : agreeCodec(hello.codecs, io.codecs);
    } catch (err) {
      io.fail(toOonError(err), 'bad data');
      return;
    }
    this.#peerMaxRequests = hello.maxRequestsInFlight;
    if (io.owner.role === 'server') {
      // A client that names a session proves it holds its secret before anything else.
      if (hello.session?.id !== undefined) this.#challenge(hello, codec);
      else void this.#admit(hello, codec, undefined);
      return;
    }
    const mismatch = this.#checkPeerSchema(hello);
    if (mismatch !== undefined) {
      io.fail(mismatch, 'bad data');
      return;
    }
    let binding: SessionBinding | undefined;
    try {
      if (hello.session !== undefined && io.owner.sessionRequest !== undefined) binding = io.owner.bindSession?.(hello.session);
    } catch (err) {
      io.fail(toOonError(err), 'bad data');
      return;
    }
    io.open(codec, binding, this.#peerSchema, linkClassNumbers(codec, this.#numbers, hello));
  }

  /** Server side: sends a fresh nonce to a client that asks to resume a session; its Proof is awaited. */
  #challenge(hello: Hello, codec: string): void {
    const nonce = randomSecret();
    this.#challenged = { hello, codec, nonce };
    this.#io.writeHandshake(encodeFrame(FrameKind.Challenge, nonce));
  }

  /** Server side: the client's answer to our Challenge; anything else is `BadData`. */
  #onProof(kind: number, payload: Uint8Array, challenged: { hello: Hello; codec: string; nonce: Uint8Array }): void {
    this.#challenged = undefined;
    if (kind !== FrameKind.Proof) {
      this.#io.fail(new BadDataError(`peer answered the session challenge with a frame of kind ${kind}, not a proof`), 'bad data');
      return;
    }
    // A copy: the payload is a view of the received chunk.
    void this.#admit(challenged.hello, challenged.codec, { nonce: challenged.nonce, proof: copyBytes(payload) });
  }

  /** Client side: answers the server's Challenge with proof of the session's secret. */
  async #prove(nonce: Uint8Array): Promise<void> {
    const io = this.#io;
    let proof: Uint8Array;
    try {
      if (io.owner.proveSession === undefined) throw new BadDataError('server sent a session challenge, but this side asked to resume no session');
      // A copy: the nonce is a view of the received chunk, and the proof is made asynchronously.
      proof = await io.owner.proveSession(copyBytes(nonce));
    } catch (err) {
      io.fail(toOonError(err), 'bad data');
      return;
    }
    if (io.ending()) return;
    io.writeHandshake(encodeFrame(FrameKind.Proof, proof));
  }

  /** Server side: lets the owner admit the client (frames behind the hello wait), then answers with our hello. */
  async #admit(hello: Hello, codec: string, proof: ResumeProof | undefined): Promise<void> {
    const io = this.#io;
    io.hold();
    let grant: SessionGrant | undefined;
    try {
      grant = await io.owner.admit?.(hello, proof);
    } catch (err) {
      io.fail(toOonError(err), 'refused');
      return;
    }
    if (io.ending()) return;
    // Our hello goes out even when the schemas disagree, so the client can word the
    // differences from its own side; the Error frame follows it.
    const { codecs, maxRequestsInFlight, schemaPolicy } = io;
    if (!this.#sendHello((schema) => serverHello(codec, schema, { codecs, session: grant?.hello, maxRequestsInFlight, schemaPolicy, classNumbers: this.#numbers }))) return;
    const mismatch = this.#checkPeerSchema(hello);
    if (mismatch !== undefined) {
      io.fail(mismatch, 'bad data');
      return;
    }
    io.open(codec, grant?.binding, this.#peerSchema, linkClassNumbers(codec, this.#numbers, hello));
    io.release();
  }

  /** Describes our registry and writes our hello; on failure (a type thunk threw, the hello is too big) fails the connection. */
  #sendHello(make: (schema: RegistrySchema) => Hello): boolean {
    try {
      this.#schema = describeRegistry(this.#io.registry);
      // Numbered with the schema just described: the same classes, so each number's fields are in it.
      this.#numbers = classNumbering(this.#io.registry);
      this.#io.writeHandshake(encodeHello(make(this.#schema), this.#io.maxFrameBytes));
      return true;
    } catch (err) {
      this.#io.fail(toOonError(err), 'bad data');
      return false;
    }
  }

  /**
   * Compares the peer's schema with ours. Strict: a `BadData` listing the differences,
   * if any. Compatible: never fails; a differing schema is resolved class by class, and
   * what cannot be read either way is kept for `schemaProblems`.
   */
  #checkPeerSchema(hello: Hello): OonError | undefined {
    if (hello.schema === undefined || this.#schema === undefined) return undefined;
    // An equal hash means the peer knows every class we do: nothing to refuse on send.
    if (hello.schema.hash === this.#schema.hash) return undefined;
    this.#peerClasses = new Set(hello.schema.classes.map((c) => c.name));
    // Strict on either side is strict for both, so each words the differences from its side.
    if (this.#io.schemaPolicy === 'strict' || hello.schemaPolicy === 'strict') return checkSchemas(this.#schema, hello.schema);
    this.#peerSchema = hello.schema;
    this.#problems = agreementProblems(agreeSchemas(this.#schema, hello.schema));
    return undefined;
  }
}
