/**
 * Ports for servers a test starts as child processes on a port of its choosing, and
 * starts again on the same port after killing them.
 *
 * A port the kernel handed out (`listen(0)`) is in its ephemeral range, which the
 * kernel keeps handing out: once the process holding it dies (or a probe closes it),
 * any other socket on the machine may get it, a `listen(0)` or a connection's own end,
 * until the test's server binds it (again), which on a loaded machine takes a second or
 * more of Node starting up. A server restarted there then fails with EADDRINUSE (the
 * browser's server-restart test saw `server ended (1) before printing a line matching
 * /^listening \d+$/`), or, worse, the test talks to whatever took it. A port below the
 * ephemeral range is never handed out: only an explicit bind to that very number takes it.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The first port of the kernel's ephemeral range (Linux), or the IANA range's start elsewhere. */
function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && Number.isInteger(low) && low > 0) return low;
  } catch {
    // Not Linux: macOS and Windows hand out 49152 and up.
  }
  return 49_152;
}

/** Lowest port tried: clear of the well-known ports and of the registered ones most services use. */
const LOWEST = 10_000;

/** True when nothing listens on `port` of 127.0.0.1 (it was bound and let go). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * A free port on 127.0.0.1 that the kernel does not hand out by itself (below its
 * ephemeral range, chosen at random), so it stays free between this call and the bind
 * of the server the test starts on it, and between that server's death and its restart.
 * `also`: offsets of ports the server binds beside it (a Redis Cluster node's bus, at
 * +10000), held to the same.
 */
export async function freePort(also: readonly number[] = []): Promise<number> {
  const high = ephemeralStart() - 1 - Math.max(0, ...also);
  const low = Math.min(LOWEST, high - 1_000);
  for (let tried = 0; tried < 100; tried++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (await isFree(port) && (await Promise.all(also.map((offset) => isFree(port + offset)))).every(Boolean)) return port;
  }
  throw new Error(`no free port on 127.0.0.1 between ${low} and ${high} after 100 tries`);
}
