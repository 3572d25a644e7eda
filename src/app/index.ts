/** The ready-to-run bot's composition root (used by `npm start` and by tests that start the app in-process). */
export { type AppOptions, type RunningApp, startApp } from './app.js';
export {
  type AppConfig,
  type AppConfigInput,
  ConfigError,
  loadDotEnv,
  parseConfig,
  SECRET_KEYS,
} from './config.js';
