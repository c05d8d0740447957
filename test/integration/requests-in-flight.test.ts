/**
 * maxRequestsInFlight (docs/limits.md): each side handles at most that many of its
 * peer's requests at once and says so in its hello. An OON peer queues past it and never
 * sees an error; a raw peer that ignores it gets an error reply for the request past it,
 * whose handler never runs, and keeps its connection.
 */
import { NetClass, NetField } from '@oon/core';
import { OonClient } from '@oon/client';
import { OonServer } from '@oon/server';
import { DEFAULT_MAX_REQUESTS_IN_FLIGHT, encodeFrame, FrameKind } from '@oon/wire';
import { decodeFrames, expectOonError, harness, helloFrame, type RawFrame } from '../support/harness';
import { waitUntil } from '../support/wait-until';

@NetClass('inflight.Job')
class Job {
  @NetField() n: number = 0;
  constructor(n = 0) {
    this.n = n;
  }
}

@NetClass('inflight.Done')
class Done {
  @NetField() n: number = 0;
  @NetField() text: string = '';
  constructor(n = 0, text = '') {
    this.n = n;
    this.text = text;
  }
}

/**
 * A request handler that holds every call until `open()`, counting what it runs: calls
 * made, calls running at once now and at most.
 */
class Gate {
  started: number[] = [];
  running = 0;
  maxRunning = 0;
  #open = false;
  readonly #waiting: Array<() => void> = [];

  readonly handler = async (job: Job): Promise<Done> => {
    this.started.push(job.n);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    if (!this.#open) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.running--;
    // A reply big enough to show it arrives whole.
    return new Done(job.n * 2, `job ${job.n} `.repeat(50));
  };

  open(): void {
    this.#open = true;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

/** Generous: the machine is shared, and a deadline here only bounds a failure. */
const SETTLE_MS = 5_000;

const h = harness();
afterEach(() => h.closeAll());

describe('maxRequestsInFlight', () => {
  it("keeps an OON client's 50 requests under the server's bound of 4: all answered in full, none fails", async () => {
    const { server, port } = await h.listeningServer({ maxRequestsInFlight: 4 });
    const gate = new Gate();
    server.handle(Job, gate.handler);
    const client = await h.connectedClient(port);

    const replies = Array.from({ length: 50 }, (_, n) => client.request<Done>(new Job(n)));
    await waitUntil(() => gate.running === 4, SETTLE_MS, () => `4 handlers running, got ${gate.running}`);
    // A round trip of the link: a fifth request, had it been sent, would have reached the handler by now.
    await client.send(new Job(-1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gate.started).toEqual([0, 1, 2, 3]);

    gate.open();
    const done = await Promise.all(replies);
    expect(done.map((d) => d.n)).toEqual(Array.from({ length: 50 }, (_, n) => n * 2));
    expect(done.every((d, n) => d instanceof Done && d.text === `job ${n} `.repeat(50))).toBe(true);
    expect(gate.maxRunning).toBe(4);
    expect(gate.started).toEqual(Array.from({ length: 50 }, (_, n) => n)); // first in, first out
    expect(client.connected).toBe(true);
  });

  it("keeps a server's requests under the client's bound, announced in the client's hello", async () => {
    const { server, port } = await h.listeningServer();
    const client = h.client(port, { maxRequestsInFlight: 2 });
    const gate = new Gate();
    client.handle(Job, gate.handler);
    await client.connect();
    const peer = await server.accept({ timeout: SETTLE_MS });

    const replies = Array.from({ length: 10 }, (_, n) => peer.request<Done>(new Job(n)));
    await waitUntil(() => gate.running === 2, SETTLE_MS, () => `2 handlers running, got ${gate.running}`);
    gate.open();
    expect((await Promise.all(replies)).map((d) => d.n)).toEqual(Array.from({ length: 10 }, (_, n) => n * 2));
    expect(gate.maxRunning).toBe(2);
  });

  it('answers a raw peer that ignores the bound with a BadConn error reply, runs no handler for it, reports the peer once, and goes on', async () => {
    const { server, port } = await h.listeningServer({ codec: 'json', maxRequestsInFlight: 2 });
    const gate = new Gate();
    server.handle(Job, gate.handler);
    const errors: Array<{ code: string; message: string }> = [];
    server.on('error', (err) => errors.push({ code: err.code, message: err.message }));
    const honest = await h.connectedClient(port);

    const raw = await h.rawPeer(port);
    await raw.write(helloFrame());
    const frames = (): RawFrame[] => decodeFrames(raw.received());
    await waitUntil(() => frames().length > 0, SETTLE_MS, () => "the server's hello");
    const hello = JSON.parse((frames()[0] as RawFrame).payload.toString('utf8')) as { maxRequestsInFlight?: unknown };
    expect(hello.maxRequestsInFlight).toBe(2);

    await raw.write(Buffer.concat([1, 2, 3, 9].map((id) => requestFrame(id, id))));
    const responses = (): Array<{ id: number; ok: boolean; body: string }> =>
      frames()
        .filter((f) => f.kind === FrameKind.Response)
        .map((f) => ({ id: f.payload.readUInt32BE(0), ok: f.payload.readUInt8(4) === 0, body: f.payload.subarray(5).toString('utf8') }));
    await waitUntil(() => responses().length === 2, SETTLE_MS, () => `the refusals of requests 3 and 9, got ${JSON.stringify(responses())}`);
    const [refusal] = responses();
    expect(refusal?.id).toBe(3);
    expect(refusal?.ok).toBe(false);
    expect(JSON.parse(refusal?.body ?? '')).toEqual({
      code: 'BadConn',
      message:
        "peer has 3 requests in flight, over maxRequestsInFlight (2): this one was refused and its handler not run. Wait for replies before sending more (an OON endpoint queues its requests itself, up to the maxRequestsInFlight its peer's hello announces)",
    });
    expect(responses()[1]).toMatchObject({ id: 9, ok: false });
    expect(gate.started).toEqual([1, 2]);

    // Another client is not held back by this one's count.
    const other = await h.connectedClient(port);
    const otherReply = other.request<Done>(new Job(7));
    await waitUntil(() => gate.started.includes(7), SETTLE_MS, () => "the other client's request to reach its handler");

    gate.open();
    expect((await otherReply).n).toBe(14);
    await waitUntil(() => responses().length === 4, SETTLE_MS, () => 'the replies to requests 1 and 2');
    expect(responses().slice(2).map((r) => [r.id, r.ok])).toEqual([
      [1, true],
      [2, true],
    ]);

    // Slots freed: the same connection is served again.
    await raw.write(requestFrame(4, 40));
    await waitUntil(() => responses().length === 5, SETTLE_MS, () => 'the reply to request 4');
    expect(responses()[4]).toMatchObject({ id: 4, ok: true });
    expect(JSON.parse(responses()[4]?.body ?? '').body).toMatchObject({ type: 'inflight.Done', n: 80 });
    expect(gate.started).toEqual([1, 2, 7, 40]);
    expect(raw.socket.destroyed).toBe(false);
    // Two refusals, one report: the operator hears of the peer, not of every request.
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('BadConn');
    expect(errors[0]?.message).toMatch(/^127\.0\.0\.1:\d+ ignores maxRequestsInFlight \(2\): its requests past it are refused/);
    expect((await honest.request<Done>(new Job(5))).n).toBe(10);
  });

  it('lets a queued request time out or be aborted: it leaves the queue, and the rest go on', async () => {
    const { server, port } = await h.listeningServer({ maxRequestsInFlight: 1 });
    const gate = new Gate();
    server.handle(Job, gate.handler);
    const client = await h.connectedClient(port);

    const first = client.request<Done>(new Job(1));
    const timedOut = client.request<Done>(new Job(2), { timeout: 50 });
    const controller = new AbortController();
    const aborted = client.request<Done>(new Job(3), { signal: controller.signal });
    const last = client.request<Done>(new Job(4));

    await expectOonError(timedOut, 'Timeout', 'no reply to Job request');
    controller.abort(new Error('the caller gave up'));
    await expect(aborted).rejects.toThrow('the caller gave up');
    expect(gate.started).toEqual([1]);

    gate.open();
    expect((await first).n).toBe(2);
    expect((await last).n).toBe(8);
    expect(gate.started).toEqual([1, 4]);
  });

  it('keeps the slot of a request that timed out after it was sent until the peer answers it', async () => {
    const { server, port } = await h.listeningServer({ maxRequestsInFlight: 1 });
    const gate = new Gate();
    server.handle(Job, gate.handler);
    const client = await h.connectedClient(port);

    await expectOonError(client.request(new Job(1), { timeout: 50 }), 'Timeout');
    const next = client.request<Done>(new Job(2));
    await client.send(new Job(-1)); // a round trip: request 2 would have arrived by now
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The server still runs request 1's handler: sending request 2 would be refused.
    expect(gate.started).toEqual([1]);

    gate.open();
    expect((await next).n).toBe(4);
    expect(gate.started).toEqual([1, 2]);
  });

  it('fails a request that cannot be sent at once, even behind a full window', async () => {
    const { server, port } = await h.listeningServer({ maxRequestsInFlight: 1 });
    const gate = new Gate();
    server.handle(Job, gate.handler);
    const client = await h.connectedClient(port);
    const first = client.request<Done>(new Job(1));
    const bad = new Job(2);
    (bad as unknown as { n: string }).n = 'two';
    await expectOonError(client.request(bad), 'BadData', 'expected number');
    gate.open();
    expect((await first).n).toBe(2);
    expect(gate.started).toEqual([1]);
  });

  it("queues under a hand-written server's bound, and takes no answer to a request it has not sent", async () => {
    const seen: Array<{ id: number; body: string }> = [];
    const { port } = await h.rawServer((socket) => {
      socket.write(encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], codec: 'json', maxRequestsInFlight: 1 })));
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        for (const frame of decodeFrames(buffered).slice(seen.length + 1)) {
          if (frame.kind !== FrameKind.Request) continue;
          const id = frame.payload.readUInt32BE(0);
          seen.push({ id, body: frame.payload.subarray(4).toString('utf8') });
          // First a forged answer to the next id, which the client has queued, not sent; then the real one.
          socket.write(Buffer.concat([responseFrame(id + 1, 1000), responseFrame(id, id * 100)]));
        }
      });
    });
    const client = await h.connectedClient(port, { reconnect: false });
    const replies = Promise.all([1, 2, 3].map((n) => client.request<Done>(new Job(n))));
    expect((await replies).map((d) => d.n)).toEqual([100, 200, 300]);
    expect(seen.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(seen.map((r) => (JSON.parse(r.body) as { body: { n: number } }).body.n)).toEqual([1, 2, 3]);
  });

  it('fails queued requests with BadConn when the connection closes', async () => {
    const { server, port } = await h.listeningServer({ maxRequestsInFlight: 1 });
    server.handle(Job, new Gate().handler);
    const client = await h.connectedClient(port);
    const sent = client.request(new Job(1));
    const queued = client.request(new Job(2));
    const failures = Promise.all([
      expectOonError(sent, 'BadConn', 'closed before the reply'),
      expectOonError(queued, 'BadConn', 'closed before the reply'),
    ]);
    await client.close();
    await failures;
  });

  it('is 256 by default, and refuses anything but a positive whole number with a RangeError', () => {
    expect(DEFAULT_MAX_REQUESTS_IN_FLIGHT).toBe(256);
    expect(() => new OonServer({ maxRequestsInFlight: 0 })).toThrow(new RangeError('maxRequestsInFlight must be a positive whole number, got 0'));
    expect(() => new OonClient({ maxRequestsInFlight: 1.5 })).toThrow(new RangeError('maxRequestsInFlight must be a positive whole number, got 1.5'));
    expect(() => new OonClient({ maxRequestsInFlight: -4 })).toThrow(RangeError);
  });
});

/** A successful Response frame to `id` carrying a JSON-codec Done, written by hand. */
function responseFrame(id: number, n: number): Uint8Array {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(id, 0);
  return encodeFrame(FrameKind.Response, `{"head": {"uuid": "res${id}"}, "body": {"type": "inflight.Done", "n": ${n}, "text": ""}}`, prefix);
}

/** A Request frame with `id` carrying a JSON-codec Job, written by hand. */
function requestFrame(id: number, n: number): Uint8Array {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(id, 0);
  return encodeFrame(FrameKind.Request, `{"head": {"uuid": "req${id}"}, "body": {"type": "inflight.Job", "n": ${n}}}`, prefix);
}
