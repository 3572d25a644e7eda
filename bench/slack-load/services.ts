/**
 * The slack-load bench's other side, in its own process so its CPU is not charged to the app under test: the
 * scripted OpenAI-compatible model (2 s per call by default) and the fake Slack Web API. Prints one JSON line with
 * their URLs, then serves `GET /stats` (what each conversation's model call and reply did) and `POST /reset`.
 *
 * `node --import tsx bench/slack-load/services.ts <modelDelayMs>`
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startScriptedOpenAIServer } from '../../src/testing/index.js';
import { FakeSlackApi } from '../../test/channels/slack/fake-slack-api.js';

export interface ServicesStats {
  /** When each conversation's model call arrived (epoch ms), by marker. */
  modelStarted: Record<string, number>;
  /** When the first Web API call carrying each conversation's reply text arrived (epoch ms), by marker. */
  shown: Record<string, number>;
  /** Web API calls by `method status`. */
  slackCalls: Record<string, number>;
}

const modelDelayMs = Number(process.argv[2] ?? 2_000);
let modelStarted = new Map<string, number>();

const model = await startScriptedOpenAIServer({
  responder: (request) => {
    const tag = /\[c\d{4}\]/.exec(request.lastUserText ?? '')?.[0] ?? '?';
    modelStarted.set(tag, Date.now());
    // One content piece. The server streams 3 chunks (role, content, finish), sleeping delayMs/3 before each:
    // the first token leaves at 2/3 of delayMs and the call ends at delayMs.
    return { text: `Your order ${tag} ships tomorrow.`, delayMs: modelDelayMs, chunkSize: 10_000 };
  },
});
const fake = await FakeSlackApi.start();

function stats(): ServicesStats {
  const shown: Record<string, number> = {};
  const slackCalls: Record<string, number> = {};
  for (const call of fake.calls) {
    const key = `${call.method} ${call.status}`;
    slackCalls[key] = (slackCalls[key] ?? 0) + 1;
    const tag = /\[c\d{4}\] ships/.exec(JSON.stringify(call.args))?.[0]?.slice(0, 7);
    if (tag && shown[tag] === undefined) shown[tag] = call.at;
  }
  return { modelStarted: Object.fromEntries(modelStarted), shown, slackCalls };
}

const control = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/reset') {
    modelStarted = new Map();
    fake.reset();
    res.end('{}');
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(stats()));
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));

const shutdown = () => {
  control.close();
  void Promise.all([model.close(), fake.close()]).then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdout.write(
  `${JSON.stringify({
    modelUrl: model.baseURL,
    slackApiUrl: fake.apiUrl,
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  })}\n`,
);
