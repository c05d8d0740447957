/**
 * A bad message fails that message, not the link (issue 10, section 1), over real
 * sockets: a request or a one-way message that the receiver cannot read (a
 * class-validator constraint, a class it lacks) is refused on its own, the sender hears
 * exactly why, and the connection goes on; a session counts it as received, so it is
 * never resent. Only a stream that cannot be read drops the link.
 */
import { Min, ValidateNested } from 'class-validator';
import { BadDataError, NetClass, NetField, OonError, t, TimeoutError } from '@oon/core';
import { encodeFrame, FrameKind, requestName } from '@oon/wire';
import type { OonClient } from '@oon/client';
import type { OonServer, Peer } from '@oon/server';
import { cutProxy, type CutProxy } from '../support/cut-proxy';
import { decodeFrames, expectOonError, harness, nextEvent, within } from '../support/harness';

@NetClass('shop.LineItem')
class LineItem {
  @NetField() sku: string = '';
  @NetField(t.int) @Min(1) qty: number = 1;
  constructor(sku = '', qty = 1) {
    this.sku = sku;
    this.qty = qty;
  }
}

@NetClass('shop.Order')
class Order {
  @NetField(() => [LineItem]) @ValidateNested() items: LineItem[] = [];
  constructor(...items: LineItem[]) {
    this.items = items;
  }
}

@NetClass('shop.Receipt')
class Receipt {
  @NetField() total: number = 0;
  constructor(total = 0) {
    this.total = total;
  }
}

const good = (): Order => new Order(new LineItem('A1', 2));
const bad = (): Order => new Order(new LineItem('A1', 2), new LineItem('B7', 0));
const QTY_FAILS = 'LineItem.qty fails min: qty must not be less than 1; the message was not delivered (class-validator)';

const h = harness();
const proxies: CutProxy[] = [];
afterEach(async () => {
  await h.closeAll();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

/** Everything either side reported that a dropped link would show. */
interface Troubles {
  clientDisconnects: unknown[];
  serverDisconnects: unknown[];
  reconnects: unknown[];
}

/** A server that answers Orders with a Receipt (counting items), a client connected to it, and their link troubles. */
async function shop(clientOptions: Parameters<typeof h.connectedClient>[1] = {}): Promise<{ server: OonServer; client: OonClient; port: number; troubles: Troubles }> {
  const { server, port } = await h.listeningServer();
  server.handle(Order, (order) => new Receipt(order.items.length));
  const client = await h.connectedClient(port, clientOptions);
  const troubles: Troubles = { clientDisconnects: [], serverDisconnects: [], reconnects: [] };
  client.on('disconnect', (reason) => troubles.clientDisconnects.push(reason));
  client.on('reconnecting', (attempt) => troubles.reconnects.push(attempt));
  server.on('disconnect', (_peer, reason) => troubles.serverDisconnects.push(reason));
  return { server, client, port, troubles };
}

/** The link is the one it was: a request on it succeeds, and neither side saw it drop. */
async function expectLinkUp(client: OonClient, server: OonServer, troubles: Troubles, peer?: Peer): Promise<void> {
  const receipt = await client.request(good(), { reply: Receipt });
  expect(receipt).toBeInstanceOf(Receipt);
  expect(receipt.total).toBe(1);
  expect(troubles).toEqual({ clientDisconnects: [], serverDisconnects: [], reconnects: [] });
  expect(client.status).toBe('connected');
  if (peer !== undefined) {
    expect([...server.peers]).toEqual([peer]);
    expect(peer.connected).toBe(true);
  }
}

describe('a request the receiver cannot read', () => {
  it('rejects that request with BadData naming the field and constraint; the link stays up', async () => {
    const { server, client, troubles } = await shop();
    const serverError = nextEvent(server, 'error');

    const err = await expectOonError(client.request(bad(), { uuid: 'order-0001' }), 'BadData');
    expect(err.message).toMatch(/^127\.0\.0\.1:\d+ answered: the shop\.Order request `order-0001` could not be read: /);
    expect(err.message).toContain(QTY_FAILS);

    const [reported, peer] = await serverError;
    expect(reported.code).toBe('BadData');
    expect(reported.message).toMatch(/^dropped the shop\.Order request `order-0001` from 127\.0\.0\.1:\d+: LineItem\.qty fails min/);
    expect(reported.message).toMatch(/the request was answered with this error, and the connection goes on$/);
    await expectLinkUp(client, server, troubles, peer);
  });

  it('the same from server to client: peer.request() rejects, the client reports it, the link stays up', async () => {
    const { server, client, troubles } = await shop();
    client.handle(Order, () => new Receipt(0));
    const [peer] = [...server.peers] as [Peer];
    const clientError = nextEvent(client, 'error');

    await expectOonError(peer.request(bad()), 'BadData', /^127\.0\.0\.1:\d+ answered: the shop\.Order request `[\w:]+` could not be read: LineItem\.qty fails min/);
    expect((await clientError)[0].message).toMatch(/^dropped the shop\.Order request `[\w:]+` from 127\.0\.0\.1:\d+: LineItem\.qty fails min/);
    expect(await peer.request(good(), { reply: Receipt })).toBeInstanceOf(Receipt);
    await expectLinkUp(client, server, troubles, peer);
  });

  it('a reply the requester cannot read rejects that request, and the replier hears of it', async () => {
    const { server, client, troubles } = await shop();
    // The client answers the server's request with an Order that fails the server's constraints.
    client.handle(Receipt, () => bad());
    const [peer] = [...server.peers] as [Peer];
    const rejected = nextEvent(client, 'rejected');

    const err = await expectOonError(peer.request(new Receipt(3)), 'BadData');
    expect(err.message).toMatch(/^127\.0\.0\.1:\d+ answered with the shop\.Order reply `[\w:]+` that could not be read: /);
    expect(err.message).toContain(QTY_FAILS);
    const [rejection] = await rejected;
    expect(rejection.className).toBe('shop.Order');
    expect(rejection.error.code).toBe('BadData');
    expect(rejection.error.message).toMatch(/^127\.0\.0\.1:\d+ could not read the shop\.Order message `[\w:]+` and dropped it: LineItem\.qty fails min/);
    await expectLinkUp(client, server, troubles, peer);
  });
});

/** A class whose constructor throws once armed: the receiver's revival of it fails. */
@NetClass('shop.Fragile')
class Fragile {
  static armed = false;
  @NetField() n: number = 0;
  constructor() {
    if (Fragile.armed) throw new Error('no stock database in this process');
  }
}

describe('a message whose revival throws', () => {
  afterEach(() => {
    Fragile.armed = false;
  });

  it('fails that request with BadData saying why; the link stays up', async () => {
    const { server, client, troubles } = await shop();
    server.handle(Fragile, () => new Receipt(0));
    const fragile = new Fragile();
    Fragile.armed = true;
    await expectOonError(
      client.request(fragile),
      'BadData',
      /^127\.0\.0\.1:\d+ answered: the shop\.Fragile request `[\w:]+` could not be read: cannot revive shop\.Fragile: `new Fragile\(\)` threw \(Error: no stock database in this process\); its constructor must work with no arguments$/,
    );
    Fragile.armed = false;
    await expectLinkUp(client, server, troubles);
  });
});

describe('a one-way message the receiver cannot read', () => {
  it('is dropped and reported on the server, the client hears which message and why, and the link stays up', async () => {
    const { server, client, troubles } = await shop();
    const arrived: Order[] = [];
    server.on('message', (object) => arrived.push(object as Order));
    const serverError = nextEvent(server, 'error');
    const rejected = nextEvent(client, 'rejected');

    await client.send(bad(), { uuid: 'order-0002' });

    const [reported, peer] = await serverError;
    expect(reported).toBeInstanceOf(OonError);
    expect(reported.code).toBe('BadData');
    expect(reported.message).toBe(
      `dropped the shop.Order message \`order-0002\` from ${peer?.toString() ?? ''}: ${QTY_FAILS}; the sender was told, and the connection goes on`,
    );
    const [rejection] = await rejected;
    expect(rejection.id).toBe('order-0002');
    expect(rejection.className).toBe('shop.Order');
    expect(rejection.error.code).toBe('BadData');
    expect(rejection.error.message).toMatch(/^127\.0\.0\.1:\d+ could not read the shop\.Order message `order-0002` and dropped it: /);
    expect(rejection.error.message).toContain(QTY_FAILS);

    await client.send(good());
    await expectLinkUp(client, server, troubles, peer);
    expect(arrived).toHaveLength(1);
    expect(arrived[0]?.items[0]?.qty).toBe(2);
  });

  it('the same from server to client: the client reports it, the server hears of it with the peer', async () => {
    const { server, client, troubles } = await shop();
    const [peer] = [...server.peers] as [Peer];
    const clientError = nextEvent(client, 'error');
    const rejected = nextEvent(server, 'rejected');

    await peer.send(bad(), { uuid: 'order-0003' });

    expect((await clientError)[0].message).toMatch(/^dropped the shop\.Order message `order-0003` from 127\.0\.0\.1:\d+: LineItem\.qty fails min/);
    const [rejection, from] = await rejected;
    expect(from).toBe(peer);
    expect([rejection.id, rejection.className, rejection.error.code]).toEqual(['order-0003', 'shop.Order', 'BadData']);
    await expectLinkUp(client, server, troubles, peer);
  });

  it('with a session, counts as received: acknowledged, and not resent after a reconnect', async () => {
    const { server, port } = await h.listeningServer();
    server.handle(Order, (order) => new Receipt(order.items.length));
    const proxy = await cutProxy(port);
    proxies.push(proxy);
    const client = await h.connectedClient(proxy.port, { reconnect: { initialDelay: 10, maxDelay: 50 } });
    const errors: OonError[] = [];
    server.on('error', (err) => errors.push(err));
    const rejected = nextEvent(client, 'rejected');

    await client.send(bad(), { uuid: 'order-0004' });
    expect((await rejected)[0].id).toBe('order-0004');
    await client.flush({ timeout: 2_000 });

    const back = nextEvent(client, 'reconnect', 5_000);
    proxy.cutNow();
    const [info] = await back;
    expect(info).toEqual({ attempts: 1, resumed: true, resent: 0 });
    expect(await client.request(good(), { reply: Receipt })).toBeInstanceOf(Receipt);
    expect(errors).toHaveLength(1);
    const [peer] = [...server.peers] as [Peer];
    expect(peer.stats).toMatchObject({ received: 1, duplicates: 0 });
    expect(client.stats).toMatchObject({ sent: 1, resent: 0, lost: 0 });
  });

  it('from a raw peer: an unknown class gets a Rejected frame naming it; the next message is echoed on the same socket', async () => {
    const { server, port } = await h.listeningServer();
    server.on('message', (object, peer) => void peer.send(object));
    const connected = nextEvent(server, 'connection');
    const raw = await h.rawPeer(port);
    await raw.write(encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'] })));
    await connected;
    const errored = nextEvent(server, 'error');

    await raw.write(encodeFrame(FrameKind.Message, '{"head": {"uuid": "m-1"}, "body": {"type": "Nope"}}'));
    await raw.write(encodeFrame(FrameKind.Message, '{"head": {"uuid": "m-2"}, "body": {"type": "shop.Receipt", "total": 5}}'));

    expect((await errored)[0].message).toMatch(/^dropped the Nope message `m-1` from 127\.0\.0\.1:\d+: body: unknown class `Nope`/);
    const frames = async (): Promise<ReturnType<typeof decodeFrames>> => {
      for (;;) {
        const seen = decodeFrames(raw.received());
        if (seen.some((f) => f.kind === FrameKind.Message)) return seen;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const seen = await within(2_000, frames(), 'the echo of the second message');
    expect(seen.map((f) => f.kind)).toEqual([FrameKind.Hello, FrameKind.Rejected, FrameKind.Message]);
    const report = JSON.parse((seen[1]?.payload as Buffer).toString('utf8')) as Record<string, unknown>;
    expect(report).toEqual({
      id: 'm-1',
      class: 'Nope',
      code: 'BadData',
      message: 'body: unknown class `Nope`; register it with @NetClass() on the receiving side, and import the module that declares it (a type-only import registers nothing)',
    });
    expect((seen[2]?.payload as Buffer).toString('utf8')).toContain('"body": {"type": "shop.Receipt", "total": 5}');
  });
});

@NetClass('shop.Coupon')
class Coupon {
  @NetField(t.int) @Min(1) percent: number = 10;
  constructor(percent = 10) {
    this.percent = percent;
  }
}

describe("on the origin's wire (oon-0.0.5)", () => {
  it('a message that cannot be read is dropped and reported; the link stays up (the sender cannot be told)', async () => {
    const { server, port } = await h.listeningServer({ protocol: 'oon-0.0.5' });
    const client = await h.connectedClient(port, { protocol: 'oon-0.0.5' });
    const gone: unknown[] = [];
    server.on('disconnect', (_peer, reason) => gone.push(reason));
    client.on('disconnect', (reason) => gone.push(reason));
    const errored = nextEvent(server, 'error');

    await client.send(new Coupon(0), { uuid: 'c-1' });

    const [err] = await errored;
    expect(err.message).toMatch(
      /^dropped the shop\.Coupon message `c-1` from 127\.0\.0\.1:\d+: Coupon\.percent fails min: percent must not be less than 1; the message was not delivered \(class-validator\); the origin's wire cannot tell the sender, and the connection goes on$/,
    );
    const arrived = nextEvent(server, 'message');
    await client.send(new Coupon(25));
    expect((await arrived)[0]).toEqual(new Coupon(25));
    expect(gone).toEqual([]);
  });
});

describe('a stream that cannot be read still drops the link', () => {
  /** A raw peer that asked for a session in its hello, and its Peer on the server. */
  async function sessionRawPeer(): Promise<{ server: OonServer; raw: Awaited<ReturnType<typeof h.rawPeer>> }> {
    const { server, port } = await h.listeningServer();
    const connected = nextEvent(server, 'connection');
    const raw = await h.rawPeer(port);
    await raw.write(encodeFrame(FrameKind.Hello, JSON.stringify({ protocol: 'oon', version: 1, codecs: ['json'], session: { received: 0 } })));
    await connected;
    return { server, raw };
  }

  it.each([
    ['a seq too short to read', () => encodeFrame(FrameKind.Message, Buffer.from([0, 0, 1])), /message frame of 3 bytes is too short for its sequence number/],
    [
      'a seq out of step',
      () => encodeFrame(FrameKind.Message, '{"head": {"uuid": "x"}, "body": {"type": "shop.Receipt"}}', Buffer.from([0, 0, 0, 0, 0, 0, 0, 5])),
      /sent message #5 after #0: the messages between are missing/,
    ],
  ])('%s: BadData, the peer is told in an Error frame and dropped', async (_name, frame, fragment) => {
    const { server, raw } = await sessionRawPeer();
    const errored = nextEvent(server, 'error');
    const gone = nextEvent(server, 'disconnect');

    await raw.write(frame());

    expect((await errored)[0].message).toMatch(fragment);
    const received = decodeFrames(await within(2_000, raw.closed, 'the peer being dropped'));
    expect(received.at(-1)?.kind).toBe(FrameKind.Error);
    expect((await gone)[1]).toBe('bad data');
  });
});

@NetClass('shop.Refund')
class Refund {
  @NetField() amount: number = 0;
}

@NetClass('shop.GiftReceipt')
class GiftReceipt extends Receipt {}

/** A request that names itself in its failures, by what it carries rather than by its class. */
@NetClass('shop.Command')
class Command {
  @NetField() action: string = '';
  [requestName](): string {
    return `${this.action} command`;
  }
}

describe('a request handler that fails', () => {
  it('reaches the caller with its message, and with the appCode and details it gave, intact', async () => {
    const { server, client, troubles } = await shop();
    server.handle(Refund, () => {
      throw new BadDataError('only 3 left of A1', { appCode: 'OUT_OF_STOCK', details: { sku: 'A1', left: 3, where: ['north', null], ok: false } });
    });

    const err = await expectOonError(client.request(new Refund()), 'BadData');
    expect(err).toBeInstanceOf(BadDataError);
    expect(err.message).toMatch(/^127\.0\.0\.1:\d+ answered: Refund request failed: only 3 left of A1$/);
    expect(err.appCode).toBe('OUT_OF_STOCK');
    expect(err.details).toEqual({ sku: 'A1', left: 3, where: ['north', null], ok: false });
    await expectLinkUp(client, server, troubles);
  });

  it('keeps its code: a TimeoutError with an appCode arrives as one', async () => {
    const { server, client } = await shop();
    server.handle(Refund, () => {
      throw new TimeoutError('the bank did not answer within 2000 ms', { appCode: 'BANK_TIMEOUT' });
    });
    const err = await expectOonError(client.request(new Refund()), 'Timeout', /answered: Refund request failed: the bank did not answer within 2000 ms$/);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.appCode).toBe('BANK_TIMEOUT');
    expect(err.details).toBeUndefined();
  });

  it('is named by the request itself when its class has a [requestName]() method, in the caller timing out too', async () => {
    const { server, client } = await shop();
    server.handle(Command, (command) => {
      if (command.action === 'wait') return new Promise<never>(() => {});
      throw new BadDataError('refunds are closed on Sundays');
    });
    await expectOonError(client.request(Object.assign(new Command(), { action: 'refund' })), 'BadData', /^127\.0\.0\.1:\d+ answered: refund command request failed: refunds are closed on Sundays$/);
    await expectOonError(client.request(Object.assign(new Command(), { action: 'wait' }), { timeout: 50 }), 'Timeout', /^no reply to wait command request to 127\.0\.0\.1:\d+ within 50 ms/);
  });

  it('a plain Error still answers with its message, as BadData with no appCode', async () => {
    const { server, client } = await shop();
    server.handle(Refund, () => {
      throw new Error('refunds are closed on Sundays');
    });
    const err = await expectOonError(client.request(new Refund()), 'BadData', /^127\.0\.0\.1:\d+ answered: Refund request failed: refunds are closed on Sundays$/);
    expect(err.appCode).toBeUndefined();
  });

  it('leaves out details JSON cannot carry, or too big for a frame, saying so; the appCode still arrives', async () => {
    const { server, port } = await h.listeningServer({ maxFrameBytes: 4096 });
    const client = await h.connectedClient(port, { maxFrameBytes: 4096 });
    server.handle(Refund, (refund) => {
      const details = refund.amount === 1 ? ({ big: 10n } as never) : { blob: 'x'.repeat(5000) };
      throw new BadDataError('refused', { appCode: 'NO', details });
    });
    const notJson = await expectOonError(client.request(Object.assign(new Refund(), { amount: 1 })), 'BadData', /refused \(its details were left out: .*BigInt/);
    expect([notJson.appCode, notJson.details]).toEqual(['NO', undefined]);
    const tooBig = await expectOonError(
      client.request(new Refund()),
      'BadData',
      /refused \(its details were left out: the reply would be \d+ bytes, over maxFrameBytes \(4096\)\)$/,
    );
    expect([tooBig.appCode, tooBig.details]).toEqual(['NO', undefined]);
    expect(client.status).toBe('connected');
  });
});

describe('request(…, { reply })', () => {
  it('resolves with a reply of that class, or a subclass', async () => {
    const { server, client } = await shop();
    server.handle(Refund, () => new GiftReceipt(9));
    const receipt: Receipt = await client.request(good(), { reply: Receipt });
    expect(receipt).toBeInstanceOf(Receipt);
    const gift = await client.request(new Refund(), { reply: Receipt });
    expect(gift).toBeInstanceOf(GiftReceipt);
    expect(gift.total).toBe(9);
  });

  it('rejects with BadData naming both classes when the reply is another class; the link stays up', async () => {
    const { server, client, troubles } = await shop();
    server.handle(Refund, () => new Refund());
    await expectOonError(
      client.request(new Refund(), { reply: Receipt }),
      'BadData',
      /^the reply to Refund request to 127\.0\.0\.1:\d+ is of class Refund, not Receipt as the reply option asks$/,
    );
    await expectLinkUp(client, server, troubles);
  });

  it('checks the server side too: peer.request(…, { reply })', async () => {
    const { server, client } = await shop();
    client.handle(Refund, () => new Order());
    const [peer] = [...server.peers] as [Peer];
    await expectOonError(peer.request(new Refund(), { reply: Receipt }), 'BadData', /is of class Order, not Receipt as the reply option asks$/);
  });
});
