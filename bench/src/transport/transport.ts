/** What each transport contender provides, on the receiving (child) and sending (parent) side. */

/** The receiving side, in the child process: it revives every message into class instances. */
export interface TransportServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The sending side, in the parent process. */
export interface TransportClient {
  /**
   * Sends `object` `count` times one way, as a user of this transport would send a
   * burst; resolves when the transport can take more (written to the OS, or drained).
   */
  sendBurst(object: object, count: number): Promise<void>;
  /** Sends `object` as a request; resolves with the revived reply. */
  request(object: object): Promise<object>;
  /**
   * Sends bursts of `burst` small messages for `ms` on its own and resolves with how many
   * it sent: for a sender the bench cannot drive burst by burst without adding its own
   * latency (a browser page, reached through playwright). Absent: the bench loops over `sendBurst`.
   */
  sendFor?(burst: number, ms: number): Promise<number>;
  /** Times `count` requests one at a time on its own, resolving with each round trip in ms. Absent: the bench times `request`. */
  timeRequests?(count: number): Promise<number[]>;
  close(): Promise<void>;
}

/** One line of the transport table. */
export interface TransportContender {
  readonly name: string;
  /** Child side: listens on 127.0.0.1:0, calls `onMessage` with each revived object, answers requests with the revived request. */
  serve(onMessage: (object: object) => void): Promise<TransportServer>;
  /** Parent side: connects to the child's server. */
  connect(port: number): Promise<TransportClient>;
}
