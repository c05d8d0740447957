import { addressKey, ConnectionSlots } from '../src/connection-slots';
import { AUTH_TRACKED_ADDRESSES, AuthThrottle } from '../src/auth-throttle';

describe('addressKey()', () => {
  it('counts IPv4 as it is, an IPv4-mapped IPv6 address as its IPv4, IPv6 by its /64, and a Unix socket not at all', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey(undefined)).toBeUndefined();
  });
});

describe('ConnectionSlots', () => {
  const limits = { maxConnections: 5, maxHandshaking: 3, maxConnectionsPerAddress: 3, maxHandshakingPerAddress: 2 };

  it('refuses past each bound, and frees a slot on release (an address forgotten with its last connection)', () => {
    const slots = new ConnectionSlots(limits);
    const a1 = slots.take('a');
    slots.take('a');
    expect(slots.refusal('a', 'S')).toMatch(/maxHandshakingPerAddress \(2\) connections from a/);
    a1.opened();
    slots.take('a');
    expect(slots.refusal('a', 'S')).toMatch(/maxConnectionsPerAddress \(3\) connections from a/);
    slots.take('b');
    expect(slots.refusal('c', 'S')).toMatch(/maxHandshaking \(3\) connections in their handshake/);
    slots.take(undefined).opened();
    expect(slots.refusal(undefined, 'S')).toMatch(/is full: maxConnections \(5\)/);
    a1.release();
    a1.release();
    expect(slots.refusal(undefined, 'S')).toMatch(/maxHandshaking/);
  });
});

describe('AuthThrottle', () => {
  it('remembers at most AUTH_TRACKED_ADDRESSES addresses', () => {
    const throttle = new AuthThrottle(5_000);
    for (let i = 0; i < AUTH_TRACKED_ADDRESSES + 100; i++) void throttle.refused(`10.0.${i >> 8}.${i & 255}`);
    expect(throttle.size).toBe(AUTH_TRACKED_ADDRESSES);
  });
});
