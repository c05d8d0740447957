/** What the bench page offers the bench on `window.oonTest` (called through playwright's `page.evaluate`). */

/** The transports the page can send over, named as in the bench's transport table. */
export type PageTransport = 'OON (binary, WebSocket)' | 'socket.io' | 'ws + JSON';

/** The page's side of one transport: connect, then send and time as the bench asks. */
export interface PageApi {
  /** Connects to a server of `transport` on 127.0.0.1:`port`, replacing any earlier link of that transport. */
  connect(transport: PageTransport, port: number): Promise<void>;
  /** Sends bursts of `burst` small messages over `transport` for `ms`; resolves with how many it sent. */
  sendFor(transport: PageTransport, burst: number, ms: number): Promise<number>;
  /** Times `count` requests one at a time; resolves with each round trip in ms. Throws if a reply is not a revived FordTruck. */
  timeRequests(transport: PageTransport, count: number): Promise<number[]>;
  /** Closes the link of `transport`. */
  close(transport: PageTransport): Promise<void>;
}
