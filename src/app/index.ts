/**
 * `baton/app`: the ready-to-run bot — config, store, model, channels and one HTTP server — as `npm start` runs it,
 * for hosting it in your own process: `await startApp(parseConfig(process.env))`.
 */

// Start and stop the app.
export { type AppOptions, type RunningApp, startApp } from './app.js';

// Configuration from the environment (one schema; bad values fail at start-up naming the variable).
export {
  type AppConfig,
  type AppConfigInput,
  ConfigError,
  loadDotEnv,
  parseConfig,
  SECRET_KEYS,
} from './config.js';

// Your own bot module (BATON_BOT): what it exports and what it is given.
export { type BotContext, BotLoadError } from './bot-loader.js';
