/**
 * Makes this process's stdout synchronous, for a program that tests kill with SIGKILL and
 * whose printed lines they count: writes to a pipe are asynchronous in Node, and what is
 * still queued dies with the process, so a line the program printed (a message it
 * received and acknowledged) could go missing from what the test reads. Call it first,
 * before anything is printed. A no-op where stdout has no such handle (a file is already
 * synchronous).
 */
export function syncStdout(): void {
  (process.stdout as unknown as { _handle?: { setBlocking?: (blocking: boolean) => void } })._handle?.setBlocking?.(true);
}
