// One command runs it all (`pnpm example:nestjs`): the order service in a child process,
// the gateway in this one, and a few HTTP calls through the gateway; then both close.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createGateway } from './gateway';

async function call(base: string, method: 'GET' | 'POST', path: string, body?: object): Promise<void> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  console.log(`${method} ${path} -> ${response.status} ${text}`);
}

async function main(): Promise<void> {
  const service = fork(join(__dirname, 'order-service.js'), ['0'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = (await once(service, 'message')) as [{ port: number }];
  const gateway = await createGateway(port);
  await gateway.listen(0, '127.0.0.1');
  const base = (await gateway.getUrl()).replace('[::1]', '127.0.0.1');

  await call(base, 'POST', '/orders', { sku: 'KB-101', quantity: 2, customer: 'ada' });
  await call(base, 'POST', '/orders', { sku: 'KB-101', quantity: 0, customer: 'bob' });
  await call(base, 'POST', '/orders', { sku: 'ZZ-999', quantity: 1, customer: 'eve' });
  await call(base, 'GET', '/orders/o-1/tracking');
  await call(base, 'POST', '/orders/o-1/cancel');

  await gateway.close();
  service.kill('SIGTERM');
  await once(service, 'exit');
  console.log('done');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
