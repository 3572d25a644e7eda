/**
 * Slack ingress under load: N conversations each post one signed `app_mention` at once to the app as `npm start`
 * runs it (its own process: `node --import tsx src/app/main.ts`, embedded DynamoDB, the default bot), beside a bare
 * Bolt app that only acks (its own process too). The scripted model (2 s per call) and the fake Slack Web API run in
 * a third process, so their CPU is not charged to the app; this process only sends the burst and reads the clocks.
 * Loopback only; every wait is bounded; every child is stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CpuCost, topCosts } from './cpu-profile.js';
import type { ServicesStats } from './slack-load/services.js';
import type { BenchTable } from './table.js';
import { median, percentile, round } from './text.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BOT_USER = 'UBOT';
const TEAM = 'T_BENCH';
const CHANNEL = 'C_BENCH';
const START_TIMEOUT_MS = 60_000;

export interface SlackLoadOptions {
  conversations: number;
  modelDelayMs: number;
  /** Give up waiting for the replies after this long. */
  replyTimeoutMs: number;
  /** Write a V8 CPU profile of the app process into this directory (`--cpu-prof`). */
  cpuProfileDir?: string;
  /** Also run Baton with `BATON_MAX_CONCURRENT_TURNS=0` (every turn starts at once, as before the turn gate). */
  compareUngated?: boolean;
}

export interface BatonLoad {
  ackMs: number[];
  tokenToSlackMs: number[];
  /** From the start of the burst to each conversation's reply reaching the Slack API. */
  replyMs: number[];
  replied: number;
  modelCalls: number;
  slackCalls: Record<string, number>;
}

export interface SlackLoadResult {
  conversations: number;
  baton: BatonLoad;
  batonUngated?: BatonLoad;
  bolt: { ackMs: number[] };
}

interface Child {
  process: ChildProcess;
  /** The first line the child printed on stdout (its JSON hello), if it prints one. */
  hello: Promise<string>;
  stderr: () => string;
}

/** Starts `node --import tsx <script>` with only the given environment; the hello is its first stdout line. */
function startChild(args: string[], env: Record<string, string>, nodeOptions: string[] = []): Child {
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-4_000);
  });
  const hello = new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start: ${err}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.indexOf('\n');
      if (line >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, line));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited with ${code}: ${err}`));
    });
  });
  hello.catch(() => undefined);
  return { process: child, hello, stderr: () => err };
}

/** SIGTERM, then SIGKILL if it is still there after 20 s; resolves when it has exited. */
async function stopChild(child: Child): Promise<void> {
  const p = child.process;
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForHealth(url: string, child: Child): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`the app exited: ${child.stderr()}`);
    const ok = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the app did not become healthy: ${child.stderr()}`);
}

const marker = (i: number): string => `[c${String(i).padStart(4, '0')}]`;

/** Signs like Slack: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
function signedPost(url: string, secret: string, body: string): Promise<Response> {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signature,
    },
    body,
  });
}

function mentionBody(i: number, run: string): string {
  const ts = `1800${String(i).padStart(6, '0')}.${String(i).padStart(6, '0')}`;
  return JSON.stringify({
    token: 'legacy',
    team_id: TEAM,
    api_app_id: 'A_BATON',
    type: 'event_callback',
    event_id: `Ev${run}${i}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
    event: {
      type: 'app_mention',
      user: 'U_USER',
      text: `<@${BOT_USER}> Where is my order? ${marker(i)}`,
      ts,
      event_ts: ts,
      channel: CHANNEL,
    },
  });
}

/** Posts all events at once and returns each one's time to the HTTP response (the ack). */
async function burst(url: string, secret: string, count: number, run: string): Promise<number[]> {
  const bodies = Array.from({ length: count }, (_, i) => mentionBody(i, run));
  return Promise.all(
    bodies.map(async (body) => {
      const started = performance.now();
      const res = await signedPost(url, secret, body);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`ack status ${res.status}`);
      return performance.now() - started;
    }),
  );
}

interface Services {
  modelUrl: string;
  slackApiUrl: string;
  controlUrl: string;
}

async function servicesStats(services: Services): Promise<ServicesStats> {
  return (await fetch(`${services.controlUrl}/stats`)).json() as Promise<ServicesStats>;
}

async function batonRun(
  options: SlackLoadOptions,
  services: Services,
  env: Record<string, string> = {},
): Promise<BatonLoad> {
  const secret = randomBytes(16).toString('hex');
  await fetch(`${services.controlUrl}/reset`, { method: 'POST' });
  // A fresh data dir per run: the app keeps event and thread records there, and a reused one would treat the
  // next run's events (same channel and ts) as repeats of the last run's.
  const dataDir = await mkdtemp(join(tmpdir(), 'baton-bench-slack-'));
  const port = await freePort();
  const app = startChild(
    ['src/app/main.ts'],
    {
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: String(port),
      BATON_PLAYGROUND: 'off',
      BATON_DATA_DIR: dataDir,
      OPENAI_API_KEY: 'sk-bench',
      OPENAI_BASE_URL: services.modelUrl,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: services.slackApiUrl,
      ...env,
    },
    options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, app);
    const burstStarted = Date.now();
    const ackMs = await burst(`${url}/slack/events`, secret, options.conversations, 'baton');

    // Wait (bounded) until every conversation's reply text has reached the Slack API.
    const deadline = Date.now() + options.replyTimeoutMs;
    let stats = await servicesStats(services);
    while (Object.keys(stats.shown).length < options.conversations && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      stats = await servicesStats(services);
    }
    const tokenToSlackMs = Object.entries(stats.shown).flatMap(([tag, at]) => {
      const started = stats.modelStarted[tag];
      return started === undefined ? [] : [at - (started + (options.modelDelayMs * 2) / 3)];
    });
    return {
      ackMs,
      tokenToSlackMs,
      replyMs: Object.values(stats.shown).map((at) => at - burstStarted),
      replied: Object.keys(stats.shown).length,
      modelCalls: Object.keys(stats.modelStarted).length,
      slackCalls: stats.slackCalls,
    };
  } finally {
    // SIGTERM: the app finishes its turns and exits, which is also when --cpu-prof writes the profile.
    await stopChild(app);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A Bolt app that acks app_mention and does nothing else, in its own process: the floor for ack latency. */
async function boltRun(options: SlackLoadOptions): Promise<SlackLoadResult['bolt']> {
  const secret = randomBytes(16).toString('hex');
  const bolt = startChild(['bench/slack-load/bolt.ts'], { SLACK_SIGNING_SECRET: secret });
  try {
    const { port } = JSON.parse(await bolt.hello) as { port: number };
    return {
      ackMs: await burst(`http://127.0.0.1:${port}/slack/events`, secret, options.conversations, 'bolt'),
    };
  } finally {
    await stopChild(bolt);
  }
}

async function withServices<T>(modelDelayMs: number, body: (services: Services) => Promise<T>): Promise<T> {
  const child = startChild(['bench/slack-load/services.ts', String(modelDelayMs)], {});
  try {
    return await body(JSON.parse(await child.hello) as Services);
  } finally {
    await stopChild(child);
  }
}

/** Bare Bolt, then Baton, against one services process. */
export async function measureSlackLoad(options: SlackLoadOptions): Promise<SlackLoadResult> {
  return withServices(options.modelDelayMs, async (services) => {
    const bolt = await boltRun(options);
    const batonUngated = options.compareUngated
      ? await batonRun(options, services, { BATON_MAX_CONCURRENT_TURNS: '0' })
      : undefined;
    const baton = await batonRun(options, services);
    return { conversations: options.conversations, baton, bolt, ...(batonUngated ? { batonUngated } : {}) };
  });
}

/** A burst of `conversations` with the app under `--cpu-prof`: its top self-time costs. */
export async function profileSlackBurst(conversations: number, modelDelayMs = 2_000): Promise<CpuCost[]> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-bench-prof-'));
  try {
    await withServices(modelDelayMs, (services) =>
      batonRun({ conversations, modelDelayMs, replyTimeoutMs: 60_000, cpuProfileDir: dir }, services),
    );
    const [file] = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('the app wrote no CPU profile');
    return await topCosts(join(dir, file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchSlackLoad(): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  const p = (values: number[], q: number) => (values.length ? round(percentile(values, q)) : '-');
  for (const conversations of [50, 200]) {
    const r = await measureSlackLoad({
      conversations,
      modelDelayMs: 2_000,
      replyTimeoutMs: 90_000,
      compareUngated: true,
    });
    const boltP99 = percentile(r.bolt.ackMs, 0.99);
    const runs: [string, BatonLoad][] = [
      ['Baton, no turn gate (before)', r.batonUngated!],
      ['Baton, default gate (32)', r.baton],
    ];
    rows.push([
      conversations,
      'bare Bolt',
      round(median(r.bolt.ackMs)),
      round(boltP99),
      '1×',
      '-',
      '-',
      '-',
      '-',
      '-',
    ]);
    for (const [label, b] of runs) {
      rows.push([
        conversations,
        label,
        round(median(b.ackMs)),
        round(percentile(b.ackMs, 0.99)),
        `${round(percentile(b.ackMs, 0.99) / boltP99, 2)}×`,
        `${b.modelCalls}/${conversations}`,
        `${b.replied}/${conversations}`,
        p(b.replyMs, 0.5),
        p(b.replyMs, 0.99),
        p(b.tokenToSlackMs, 0.99),
      ]);
    }
  }
  return {
    title:
      'Slack ingress under load: N conversations post one signed app_mention at once (loopback, separate processes)',
    columns: [
      'conversations',
      'app',
      'ack p50 ms',
      'ack p99 ms',
      'ack p99 ÷ bare Bolt',
      'model calls',
      'replies shown',
      'reply p50 ms (from burst)',
      'reply p99 ms (from burst)',
      'first token → Slack p99 ms',
    ],
    rows,
    notes: [
      'Ack = time from sending the signed POST /slack/events to its HTTP response, all N sent concurrently from the ' +
        'bench process (one client per event; Node fetch pools connections).',
      'Baton: the app as `npm start` runs it (`node --import tsx src/app/main.ts`) in its own process, Slack configured (bot token + signing secret), Web API = the loopback FakeSlackApi from the ' +
        'tests, checkpoints in embedded DynamoDB (dynalite, in the app process), the default bot; the model is the scripted ' +
        'OpenAI-compatible server taking 2 s per call (delayMs), the reply in one content chunk. "No turn gate" = BATON_MAX_CONCURRENT_TURNS=0.',
      'Bare Bolt: @slack/bolt App (HTTPReceiver) with a no-op app_mention listener, in its own process, same signing, same burst, run just before Baton.',
      "Reply = from the start of the burst to the first Web API call carrying that conversation's reply text.",
      "First token → Slack: the Fake API's receive time of that call minus when the model server wrote the token (request arrival + 2/3 × 2 s: it streams role, content and finish chunks, sleeping 2 s / 3 before each).",
      'Processes: the bench (sends the burst, reads clocks), the app under test, and one for the model server and the fake Slack API; they share the 2 cores.',
    ],
  };
}

export async function benchSlackProfile(conversations = 200): Promise<BenchTable> {
  const costs = await profileSlackBurst(conversations);
  return {
    title: `CPU profile of the app during a burst of ${conversations} new conversations (self time)`,
    columns: ['kind', 'where', 'self ms', 'share of the run'],
    rows: costs.map((c) => [c.kind, c.name, round(c.selfMs, 0), `${round(c.share * 100, 1)}%`]),
    notes: [
      `\`node --cpu-prof\` on the app process (as slack-load runs it) from start to exit: start-up, the burst of ${conversations} app_mention events, their turns (2 s model calls), replies, shutdown.`,
      'Self time = samples whose top frame is there; "(idle)" is time the process waited; "(garbage collector)" is GC.',
    ],
  };
}
