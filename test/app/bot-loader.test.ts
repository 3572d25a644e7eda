/** BATON_BOT: a user's own bot module, with clear errors when it does not export what the app needs. */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotLoadError, loadBot } from '../../src/app/bot-loader.js';
import { InMemoryCheckpointStorage, OpenAIChatModel } from '../../src/index.js';
import { api, openEventStream, startTestApp, tempDataDir } from './app-harness.js';

const batonSrc = pathToFileURL(resolve('src/index.ts')).href;
let dir: { path: string; remove(): Promise<void> };
const context = () => ({
  model: new OpenAIChatModel({ model: 'm', baseURL: 'http://127.0.0.1:9/v1', apiKey: 'x' }),
  storage: new InMemoryCheckpointStorage(),
});

async function module(name: string, source: string): Promise<string> {
  const path = join(dir.path, name);
  await writeFile(path, source);
  return path;
}

beforeAll(async () => {
  dir = await tempDataDir();
});
afterAll(() => dir.remove());

describe('BATON_BOT', () => {
  it('says where it looked when the file is missing', async () => {
    const error = await loadBot('./no/such-bot.ts', context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BotLoadError);
    expect((error as Error).message).toMatch(/BATON_BOT=\.\/no\/such-bot\.ts: no file at .*no\/such-bot\.ts/);
  });

  it('lists what the module exports when createWorkflow is missing', async () => {
    const path = await module('wrong-export.mjs', 'export const bot = 1; export function makeIt() {}\n');
    await expect(loadBot(path, context())).rejects.toThrow(
      /exports no function "createWorkflow" or default function \(it exports: bot, makeIt\)/,
    );
  });

  it('rejects a factory that returns something else than a workflow', async () => {
    const path = await module('not-a-workflow.mjs', 'export default () => ({ hello: 1 });\n');
    await expect(loadBot(path, context())).rejects.toThrow(
      /default\(\) returned an object \(Object\), not a HandoffWorkflow/,
    );
  });

  it('rejects a workflow without checkpointing (threads would not survive a restart)', async () => {
    const path = await module(
      'no-storage.ts',
      `import { ChatAgent, HandoffBuilder } from '${batonSrc}';
export function createWorkflow({ model }) {
  const a = new ChatAgent({ name: 'solo', model });
  return new HandoffBuilder({ participants: [a] }).withStartAgent(a).build();
}
`,
    );
    await expect(loadBot(path, context())).rejects.toThrow(
      /no checkpoint storage.*withCheckpointing\(storage\)/,
    );
  });

  it('runs a valid custom bot in the app', async () => {
    const path = await module(
      'echo-bot.ts',
      `import { ChatAgent, HandoffBuilder } from '${batonSrc}';
export async function createWorkflow({ model, storage }) {
  const echo = new ChatAgent({ name: 'echo_agent', model, persona: { iconEmoji: ':robot_face:' } });
  return new HandoffBuilder({ name: 'echo_bot', participants: [echo] }).withStartAgent(echo).withCheckpointing(storage).build();
}
`,
    );
    const data = await tempDataDir();
    const app = await startTestApp(data.path, { BATON_BOT: path });
    try {
      expect(((await (await fetch(`${app.url}/healthz`)).json()) as { bot: string }).bot).toBe('echo_bot');
      const info = (
        await api<{ personas: Record<string, { displayName: string; avatar: string }> }>(app, 'GET', '/info')
      ).body;
      expect(info.personas.echo_agent).toMatchObject({ displayName: 'Echo Agent', avatar: '🤖' });
      const stream = await openEventStream(app);
      const id = (await api<{ thread: { id: string } }>(app, 'POST', '/threads', {})).body.thread.id;
      await api(app, 'POST', `/threads/${id}/messages`, { text: 'hello' });
      const message = await stream.waitFor((e) => e.type === 'message');
      // The offline demo model answers any bot, and says it is scripted.
      expect(message).toMatchObject({ agent: 'echo_agent' });
      expect(String(message.text)).toContain('scripted demo model');
      stream.close();
    } finally {
      await app.close();
      await data.remove();
    }
  });
});
