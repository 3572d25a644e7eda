/** `npm start`: read the configuration (environment and .env), start the app, stop cleanly on SIGTERM/SIGINT. */
import { startApp } from './app.js';
import { ConfigError, loadDotEnv, parseConfig } from './config.js';

const SHUTDOWN_TIMEOUT_MS = 30_000;

loadDotEnv();
let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(process.env);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}

const app = await startApp(config).catch((error: unknown) => {
  process.stderr.write(`Baton could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

let stopping = false;
function shutdown(signal: NodeJS.Signals): void {
  if (stopping) {
    app.logger.warn({ signal }, 'second signal: exiting without waiting for in-flight turns');
    process.exit(1);
  }
  stopping = true;
  app.logger.info({ signal }, 'signal received');
  const timer = setTimeout(() => {
    app.logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'in-flight turns did not finish in time; exiting');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  app.close().then(
    () => process.exit(0),
    (error: unknown) => {
      app.logger.error(
        { err: { message: error instanceof Error ? error.message : String(error) } },
        'shutdown failed',
      );
      process.exit(1);
    },
  );
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
