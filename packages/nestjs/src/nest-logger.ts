import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from '@oon/server';

/**
 * OON's {@link Logger} writing to Nest's `Logger` under `context`: OON's `info` is Nest's
 * `log`; the other levels keep their names. Each line goes to whatever logger the Nest
 * application uses (`app.useLogger`, `bufferLogs`), as Nest's own lines do.
 */
export function nestLogger(context: string): Logger {
  const logger = new NestLogger(context);
  return {
    debug: (message) => logger.debug(message),
    info: (message) => logger.log(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}
