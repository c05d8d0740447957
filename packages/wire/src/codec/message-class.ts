import { NetMessage } from '@oon/core';

/**
 * `NetMessage`, read once, for code that makes a message per message sent or received.
 * In the CommonJS build every use of an import from another package reads a getter of
 * that package's index, an object V8 keeps as a dictionary (tsc declares each export as
 * data, then redefines it as an accessor): the read is a call into the IC runtime that is
 * never inlined. It took 2% of a one-way receiver's profile, and ~100 instructions per
 * message of a sender's. An import of this module's export is a plain constant.
 */
export const Message = NetMessage;
