import { NetClass, NetField, t } from '@oon/core';

/** What the soak's clients send and the server echoes back. */
@NetClass('soak.Chat')
export class Chat {
  @NetField(t.int) client = 0;
  @NetField(t.int) seq = 0;
  @NetField() text: string = '';
}

/** The text a client sends with a sequence number, so the echo can be checked byte for byte. */
export function chatText(client: number, seq: number): string {
  return `client ${client} message ${seq} ` + 'x'.repeat((client * 7 + seq) % 200);
}
