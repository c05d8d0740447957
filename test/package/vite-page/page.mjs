// A page as a Vite app builds it from the installed packages: plain JavaScript, so no
// compiler of ours is involved (the decorators are applied as the functions they are,
// in their legacy form). It leaves what it saw in `globalThis.pageResult`.
import { NetClass, NetField, defaultRegistry, t } from '@oon/core';
import { OonClient } from '@oon/client';

class Position {
  lat = 0;
  lon = 0;
}
NetField(t.float)(Position.prototype, 'lat');
NetField(t.float)(Position.prototype, 'lon');
NetClass('Position')(Position);

let refusal;
try {
  new OonClient({ host: '127.0.0.1', port: 9090 });
} catch (err) {
  refusal = `${err.name}: ${err.message}`;
}
const client = new OonClient({ url: 'ws://127.0.0.1:9/oon', reconnect: false });

globalThis.pageResult = {
  name: defaultRegistry.nameOf(Position),
  fields: defaultRegistry.schemaOf(Position).fields.map((f) => `${f.key}: ${f.type.kind}`),
  refusal,
  client: client instanceof OonClient,
};
