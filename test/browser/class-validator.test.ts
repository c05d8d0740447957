/**
 * class-validator in a page: OON's browser build bundles none, so a class carrying its
 * decorators is refused on arrival (BadData saying what to do, never delivered
 * unvalidated) until the page calls `useClassValidator`; then it is validated as in Node.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { OonServer } from '@oon/server';
import { SendReading, SpeedReading } from './fixtures/validated-model';
import type { ValidatorPageApi } from './fixtures/page-api';
import { browserRig, callPage, type BrowserRig } from '../support/browser-page';
import { LOOPBACK } from '../support/harness';

let rig: BrowserRig;
let server: OonServer;
let page: Page;
beforeAll(async () => {
  rig = await browserRig(join(__dirname, 'fixtures', 'validator-page.ts'));
  server = new OonServer({ host: LOOPBACK, tcp: false, websocket: { port: 0 } });
  // A server does not validate what it sends: the receiver decides what it accepts.
  server.onMessage(SendReading, (request, peer) => void peer.send(Object.assign(new SpeedReading(), { speed: request.speed })));
  await server.listen();
  ({ page } = await rig.open());
}, 60_000);
afterAll(async () => {
  await page?.close();
  await server?.close();
  await rig?.close();
});

describe('class-validator in a browser page', () => {
  it('refuses a decorated class until the page hands class-validator over, then validates as Node does', async () => {
    await callPage<ValidatorPageApi, 'connect'>(page, 'connect', `ws://${LOOPBACK}:${server.websocketAddress()!.port}/`);

    const refused = await callPage<ValidatorPageApi, 'reading'>(page, 'reading', 5);
    expect(refused.error).toMatchObject({ name: 'BadDataError', code: 'BadData' });
    expect(refused.error?.message).toContain(
      "carries class-validator decorators, but OON's browser build does not load class-validator by itself: call useClassValidator(classValidator) once",
    );

    await callPage<ValidatorPageApi, 'useValidator'>(page, 'useValidator');
    expect(await callPage<ValidatorPageApi, 'reading'>(page, 'reading', 5)).toEqual({ speed: 5, isReading: true });
    const invalid = await callPage<ValidatorPageApi, 'reading'>(page, 'reading', -1);
    expect(invalid.error).toMatchObject({ name: 'BadDataError', code: 'BadData' });
    expect(invalid.error?.message).toContain('.speed fails min: speed must not be less than 0; the message was not delivered (class-validator)');
    await callPage<ValidatorPageApi, 'close'>(page, 'close');
  });
});
