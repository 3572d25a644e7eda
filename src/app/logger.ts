/** The app's pino logger: JSON lines, secrets and authorization headers redacted wherever they appear. */
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { type AppConfig, SECRET_KEYS } from './config.js';

const HEADER_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  'req.headers.cookie',
];

/** Every secret config key, at the top level and one level down (e.g. `config.OPENAI_API_KEY`). */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
  ...HEADER_PATHS,
];

export function createAppLogger(
  config: Pick<AppConfig, 'LOG_LEVEL'>,
  destination?: DestinationStream,
): PinoLogger {
  const options = {
    level: config.LOG_LEVEL,
    base: { app: 'baton' },
    redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
