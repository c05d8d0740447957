import type { Room } from './rooms';

/** `room` as a list of room names, each checked to be a string (a `TypeError` naming `what` if not). */
export function roomNames(room: Room | readonly Room[], what: string): readonly Room[] {
  const rooms: unknown = typeof room === 'string' ? [room] : room;
  if (!Array.isArray(rooms) || rooms.some((one) => typeof one !== 'string')) {
    throw new TypeError(`${what}() takes a room name (a string) or an array of them`);
  }
  return rooms as readonly Room[];
}
