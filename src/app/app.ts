/**
 * The composition root: config → store, model, bot, driver, channels → one Hono app on `node:http`. `startApp` is what
 * `npm start` runs and what tests start in-process (`startApp({ ...config, PORT: 0 })`).
 */
import { randomBytes } from 'node:crypto';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { ChatChannel, HttpRoute } from '../channels/channel.js';
import { ConversationDriver } from '../channels/conversation-driver.js';
import { TurnGate } from '../channels/turn-gate.js';
import { DynamoDBKeyValueStore } from '../store/dynamodb/key-value.js';
import { renderBanner } from './banner.js';
import { loadBot } from './bot-loader.js';
import { createChannels } from './channels.js';
import { type AppConfig, driverApprovers } from './config.js';
import { allowedHostsOf, isLoopbackHost } from './http/hosts.js';
import { createHttpApp } from './http/http-app.js';
import { startNodeServer } from './http/node-server.js';
import { createAppLogger } from './logger.js';
import { type AppModel, createAppModel } from './model.js';
import { type AppStore, createAppStore } from './store.js';

export interface AppOptions {
  /** Where JSON log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Where the start-up banner goes (default stdout); `false` prints none. */
  printBanner?: ((text: string) => void) | false;
  /** Offline demo model only: time each scripted response takes (ms). */
  demoDelayMs?: number;
}

export interface RunningApp {
  /** e.g. `http://127.0.0.1:3000` */
  readonly url: string;
  readonly port: number;
  readonly logger: PinoLogger;
  readonly driver: ConversationDriver;
  readonly channels: readonly ChatChannel[];
  readonly model: Pick<AppModel, 'mode' | 'description'>;
  readonly store: Pick<AppStore, 'mode' | 'description'>;
  /** The playground's access token, when it needs one (off loopback, or BATON_PLAYGROUND_TOKEN set). */
  readonly playgroundToken?: string;
  /** Stops taking requests, lets in-flight turns finish and commit, then stops everything it started. */
  close(): Promise<void>;
}

export async function startApp(config: AppConfig, options: AppOptions = {}): Promise<RunningApp> {
  const logger = createAppLogger(config, options.logDestination);
  // Everything started so far, stopped in reverse order if a later step fails.
  const cleanup: (() => Promise<void>)[] = [];
  let stopTelemetry: () => Promise<void> = async () => {};
  const unwind = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };
  try {
    logger.debug({ config }, 'configuration');
    if (config.OTEL_EXPORTER_OTLP_ENDPOINT) {
      // Lazily loads the optional OpenTelemetry SDK; without the variable nothing is exported or loaded.
      const { startOtlpTelemetry } = await import('../telemetry/otlp.js');
      const telemetry = await startOtlpTelemetry({
        endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
        serviceName: config.OTEL_SERVICE_NAME ?? 'baton',
      });
      cleanup.push(() => telemetry.shutdown());
      stopTelemetry = () => telemetry.shutdown();
      logger.info(
        { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT },
        'exporting OpenTelemetry traces and metrics',
      );
    }
    const store = await createAppStore(config);
    cleanup.push(async () => {
      await store.close();
    });
    const model = await createAppModel(
      config,
      options.demoDelayMs === undefined ? {} : { demoDelayMs: options.demoDelayMs },
    );
    cleanup.push(() => model.close());
    if (model.notice) logger.warn({ model: model.mode }, model.notice);
    const bot = await loadBot(config.BATON_BOT, { model: model.model, storage: store.storage });
    const turnGate = new TurnGate({ maxConcurrent: config.BATON_MAX_CONCURRENT_TURNS });
    const driver = new ConversationDriver({
      workflow: bot.workflow,
      idempotency: store.storage,
      logger,
      ...driverApprovers(config),
      turnGate,
    });
    const allowedHosts = allowedHostsOf(config);
    const { channels, off } = await createChannels({
      config,
      driver,
      logger,
      // Teams conversation references and Slack installs live in the same table as the checkpoints.
      records: new DynamoDBKeyValueStore({
        client: store.storage.client,
        tableName: store.storage.tableName,
      }),
      playground: {
        ...(model.notice ? { notice: model.notice } : {}),
        about: {
          model: model.mode === 'demo' ? 'scripted demo model' : model.description,
          store: store.mode === 'embedded' ? 'embedded DynamoDB' : store.description,
        },
      },
    });
    cleanup.push(async () => {
      for (const c of channels) await c.stop?.();
    });

    let closing = false;
    const health = {
      method: 'GET',
      path: '/healthz',
      policy: { audience: 'public' },
      handler: (c) =>
        c.json(
          {
            ok: !closing,
            store: store.mode,
            model: model.mode,
            bot: bot.workflow.name,
            channels: channels.map((ch) => ch.name),
          },
          closing ? 503 : 200,
        ),
    } satisfies HttpRoute;
    const access = playgroundAccess(config, channels);
    const http = createHttpApp({
      routes: [health, ...channels.flatMap((c) => c.routes)],
      logger,
      ...(access.token ? { accessToken: access.token } : {}),
      trustProxy: config.BATON_TRUST_PROXY === 'on',
      ...(allowedHosts ? { allowedHosts } : {}),
      isClosing: () => closing,
    });
    const server = await startNodeServer(http, config.HOST, config.PORT);
    cleanup.push(() => server.close());
    for (const channel of channels) await channel.start?.();
    // Conversations a crash left mid-turn (here or in a process that died) finish without waiting for the user.
    void driver
      .resumeInterrupted()
      .catch((error: unknown) => logger.warn({ err: error }, 'resume at start-up failed'));
    driver.startSweeper();

    const port = server.port;
    const host =
      config.HOST === '0.0.0.0' || config.HOST === '::'
        ? 'localhost'
        : config.HOST.includes(':')
          ? `[${config.HOST}]`
          : config.HOST;
    const url = `http://${host}:${port}`;
    const banner = renderBanner({
      url,
      config,
      bot: { name: bot.workflow.name, source: bot.source },
      model,
      store,
      channels,
      off,
      ...(access.token
        ? { playgroundToken: access.token, tokenFromEnv: access.link === 'token-from-env' }
        : {}),
      ...(allowedHosts ? { allowedHosts } : {}),
    });
    if (options.printBanner !== false)
      (options.printBanner ?? ((text) => process.stdout.write(text)))(banner);
    logger.info(
      {
        url,
        model: model.mode,
        store: store.mode,
        bot: bot.workflow.name,
        channels: channels.map((c) => c.name),
      },
      'baton started',
    );

    let closed: Promise<void> | undefined;
    const close = () => {
      closed ??= (async () => {
        closing = true;
        logger.info(
          { activeConversations: driver.activeConversations },
          'shutting down: finishing in-flight turns',
        );
        server.stopAccepting();
        for (const c of channels) await c.stop?.();
        await driver.drain();
        await server.close();
        await model.close();
        await store.close();
        await stopTelemetry();
        logger.info({}, 'stopped');
      })();
      return closed;
    };
    return {
      url,
      port,
      logger,
      driver,
      channels,
      model: { mode: model.mode, description: model.description },
      store: { mode: store.mode, description: store.description },
      ...(access.token ? { playgroundToken: access.token } : {}),
      close,
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/**
 * The playground has no login. On loopback it needs none (the Host allow-list stops DNS rebinding); anywhere else
 * it is served only to whoever has the token: BATON_PLAYGROUND_TOKEN, or a random one printed in the banner.
 */
function playgroundAccess(
  config: AppConfig,
  channels: readonly ChatChannel[],
): { token?: string; link?: 'with-token' | 'token-from-env' } {
  if (!channels.some((c) => c.name === 'playground')) return {};
  if (config.BATON_PLAYGROUND_TOKEN) return { token: config.BATON_PLAYGROUND_TOKEN, link: 'token-from-env' };
  if (isLoopbackHost(config.HOST)) return {};
  return { token: randomBytes(24).toString('base64url'), link: 'with-token' };
}
