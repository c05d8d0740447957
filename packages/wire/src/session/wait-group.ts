/**
 * Sends that wait for room in the window, consecutive, sharing one promise: it resolves
 * once they are all written (they are written together), and rejects if the session
 * ends first. One promise per group rather than per message.
 */
export class WaitGroup {
  /** The absolute index of the group's first message, and one past its last. */
  start: number;
  end: number;
  /** Bytes of the group's frames: the room it needs in the window. */
  bytes: number;
  readonly promise: Promise<void>;
  resolve: () => void = () => {};
  reject: (error: Error) => void = () => {};

  constructor(start: number, bytes: number) {
    this.start = start;
    this.end = start + 1;
    this.bytes = bytes;
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A send whose caller dropped its promise must not end the process when the session ends.
    this.promise.catch(() => {});
  }
}
