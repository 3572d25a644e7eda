/** Bolt wants `@slack/logger`'s shape; Baton passes a pino-shaped `Logger`. This adapts one to the other. */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../logger.js';

export function toBoltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  const log = logger.child({ component: 'bolt' });
  // Bolt logs variadic strings and errors; pino wants (object, message).
  const format = (args: unknown[]) => ({
    msg: args
      .map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : safeJson(a)))
      .join(' '),
  });
  return {
    debug: (...args: unknown[]) => log.debug({}, format(args).msg),
    info: (...args: unknown[]) => log.info({}, format(args).msg),
    warn: (...args: unknown[]) => log.warn({}, format(args).msg),
    error: (...args: unknown[]) => log.error({}, format(args).msg),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
