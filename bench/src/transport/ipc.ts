/** What the parent (sender) and the child (receiver) tell each other over the fork's IPC channel. */

export type ToChild = { type: 'expect'; total: number } | { type: 'stop' };

export type ToParent =
  | { type: 'ready'; port: number }
  | { type: 'done'; total: number }
  | { type: 'error'; message: string };
