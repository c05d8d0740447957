/**
 * Type test, not a jest file: checked by `tsc -p tsconfig.test.json`, never run.
 * The loggers users have must fit `Logger` as they are: pino's and `console`. Nest's names
 * its info level `log`, so it fits only through the adapter docs/errors.md shows.
 */
import type { Logger } from '@oon/wire';

/** pino's `LogFn`, as pino's own typings declare it (pino 9). */
interface PinoLogFn {
  <T extends object>(obj: T, msg?: string, ...args: any[]): void;
  (obj: unknown, msg?: string, ...args: any[]): void;
  (msg: string, ...args: any[]): void;
}
interface PinoLogger {
  fatal: PinoLogFn;
  error: PinoLogFn;
  warn: PinoLogFn;
  info: PinoLogFn;
  debug: PinoLogFn;
  trace: PinoLogFn;
}

/** Nest's `LoggerService`, as `@nestjs/common` declares it (Nest 10). */
interface NestLoggerService {
  log(message: any, ...optionalParams: any[]): any;
  error(message: any, ...optionalParams: any[]): any;
  warn(message: any, ...optionalParams: any[]): any;
  debug?(message: any, ...optionalParams: any[]): any;
  verbose?(message: any, ...optionalParams: any[]): any;
  fatal?(message: any, ...optionalParams: any[]): any;
}

export function loggersThatFit(pino: PinoLogger, nest: NestLoggerService): Logger[] {
  const fromPino: Logger = pino;
  const fromConsole: Logger = console;
  // @ts-expect-error Nest's logger has `log`, not `info`: it needs the adapter
  const nestAsIs: Logger = nest;
  const fromNest: Logger = {
    debug: (message) => nest.debug?.(message),
    info: (message) => nest.log(message),
    warn: (message) => nest.warn(message),
    error: (message) => nest.error(message),
  };
  return [fromPino, fromConsole, nestAsIs, fromNest];
}
