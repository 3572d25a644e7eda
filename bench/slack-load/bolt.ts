/**
 * The floor for the slack-load bench: a bare Bolt app (HTTPReceiver) that acks `app_mention` and does nothing
 * else, in its own process like the app it is compared with. Prints its port once listening.
 *
 * `SLACK_SIGNING_SECRET=… node --import tsx bench/slack-load/bolt.ts`
 */
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';

const bolt = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  // No Web API calls: the bare app never needs to look its token up.
  authorize: async () => ({ botToken: 'xoxb-test-token', botUserId: 'UBOT', botId: 'B_BENCH' }),
});
bolt.event('app_mention', async () => {});
const server = await bolt.start({ port: 0, host: '127.0.0.1' });
process.on('SIGTERM', () => void bolt.stop().then(() => process.exit(0)));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
