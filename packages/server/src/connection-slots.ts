import { isIPv4, isIPv6 } from 'node:net';

/** The bounds {@link ConnectionSlots} keeps (docs/limits.md, "Connection slots"). */
export interface SlotLimits {
  readonly maxConnections: number;
  readonly maxHandshaking: number;
  readonly maxConnectionsPerAddress: number;
  readonly maxHandshakingPerAddress: number;
}

/** A connection's place in the counts: handshaking until `opened()`, gone at `release()`. */
export interface Slot {
  opened(): void;
  release(): void;
}

interface AddressCount {
  all: number;
  handshaking: number;
}

/**
 * Counts the server's connections, and those still in their handshake, in all and per
 * remote address, and says why a new one is refused. Silent sockets hold a handshake
 * slot until `handshakeTimeout`, so the handshake bounds are what keep a flood of them
 * from one address (10,000 opened in under 2 s) from taking every slot: the address
 * reaches its own bound long before the server's. A Unix socket has no address: its
 * peers are counted in all only.
 */
export class ConnectionSlots {
  readonly #limits: SlotLimits;
  #all = 0;
  #handshaking = 0;
  /** Only addresses with a connection now: an entry goes with its last connection. */
  readonly #byAddress = new Map<string, AddressCount>();

  constructor(limits: SlotLimits) {
    this.#limits = limits;
  }

  /** Why a new connection from `address` (an {@link addressKey}) is refused; `undefined` to accept it. `where` names the server. */
  refusal(address: string | undefined, where: string): string | undefined {
    const { maxConnections, maxHandshaking, maxConnectionsPerAddress, maxHandshakingPerAddress } = this.#limits;
    if (this.#all >= maxConnections) return `server ${where} is full: maxConnections (${maxConnections}) reached; try again later`;
    const count = address === undefined ? undefined : this.#byAddress.get(address);
    if (count !== undefined && count.all >= maxConnectionsPerAddress) {
      return `server ${where} already holds maxConnectionsPerAddress (${maxConnectionsPerAddress}) connections from ${address}; close some first`;
    }
    if (count !== undefined && count.handshaking >= maxHandshakingPerAddress) {
      return `server ${where} already has maxHandshakingPerAddress (${maxHandshakingPerAddress}) connections from ${address} in their handshake; try again later`;
    }
    if (this.#handshaking >= maxHandshaking) return `server ${where} has maxHandshaking (${maxHandshaking}) connections in their handshake; try again later`;
    return undefined;
  }

  /** Counts a new connection from `address` as handshaking. */
  take(address: string | undefined): Slot {
    let count: AddressCount | undefined;
    if (address !== undefined) {
      count = this.#byAddress.get(address);
      if (count === undefined) this.#byAddress.set(address, (count = { all: 0, handshaking: 0 }));
      count.all += 1;
      count.handshaking += 1;
    }
    this.#all += 1;
    this.#handshaking += 1;
    let handshaking = true;
    let released = false;
    const leaveHandshake = (): void => {
      if (!handshaking) return;
      handshaking = false;
      this.#handshaking -= 1;
      if (count !== undefined) count.handshaking -= 1;
    };
    return {
      opened: leaveHandshake,
      release: () => {
        if (released) return;
        released = true;
        leaveHandshake();
        this.#all -= 1;
        if (count === undefined || address === undefined) return;
        count.all -= 1;
        if (count.all === 0) this.#byAddress.delete(address);
      },
    };
  }
}

/**
 * The address a connection is counted under: IPv4 as it is (an IPv4-mapped IPv6 address
 * as its IPv4), IPv6 by its /64 prefix, since one host is commonly given a whole /64;
 * `undefined` for a Unix socket (no address).
 */
export function addressKey(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  if (address.startsWith('::ffff:') && isIPv4(address.slice(7))) return address.slice(7);
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, `::` filled in (a zone id dropped). */
function expandIPv6(address: string): string[] {
  const bare = address.split('%')[0] as string;
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return groups.map((g) => (g.includes('.') ? g : Number.parseInt(g, 16).toString(16)));
}
