import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/channels/logger.js';
import { PersonaPoster } from '../../../src/channels/slack/persona-poster.js';
import { NOTICES, SlackTurnRenderer } from '../../../src/channels/slack/renderer.js';
import { WorkspaceCapabilities } from '../../../src/channels/slack/workspace-capabilities.js';
import {
  AgentRunUpdateEvent,
  RequestInfoEvent,
  WorkflowFailedEvent,
  WorkflowStatusEvent,
  WorkflowWarningEvent,
} from '../../../src/handoff/events.js';
import { HandoffAgentUserRequest } from '../../../src/handoff/requests.js';
import { useSlackHarness } from './harness.js';

const h = useSlackHarness();

function renderer(onFirstEvent: () => Promise<void> = async () => {}, slackApiUrl = h.fake.apiUrl) {
  const capabilities = new WorkspaceCapabilities();
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
  return new SlackTurnRenderer({
    target: { client, workspace: 'T1', channel: 'C9', threadTs: '1.1', userId: 'U1', teamId: 'T1' },
    poster: new PersonaPoster(capabilities, silentLogger),
    capabilities,
    personaOf: (id) => ({ displayName: id === 'a' ? 'Agent A' : id }),
    streaming: 'update',
    updateIntervalMs: 1000,
    logger: silentLogger,
    onFirstEvent,
  });
}

const texts = () =>
  h.fake.thread('C9', '1.1').map((m) => (m.blocks.length ? JSON.stringify(m.blocks) : m.text));

describe('SlackTurnRenderer', () => {
  it('does not treat a failure to record the turn as its start, and apologizes once', async () => {
    let started = 0;
    const r = renderer(async () => {
      started++;
    });
    await r.event(new WorkflowFailedEvent({ name: 'StorageError', message: 'table missing: secret-arn' }));
    await r.event(new WorkflowStatusEvent('failed'));
    await r.apologize();
    expect(started).toBe(0);
    expect(texts()).toHaveLength(1);
    expect(texts()[0]).toContain(NOTICES.apology);
    expect(texts()[0]).not.toContain('secret-arn');
  });

  it('finishes a streamed reply on failure, then apologizes', async () => {
    const r = renderer();
    await r.event(new AgentRunUpdateEvent('a', 'Half a rep'));
    await r.event(new WorkflowFailedEvent({ name: 'Error', message: 'boom' }, 'a'));
    expect(h.fake.thread('C9', '1.1').map((m) => [m.username, m.text])).toEqual([
      ['Agent A', 'Half a rep'],
      [undefined, `:warning: ${NOTICES.apology}`],
    ]);
  });

  it('says which tools ran before a failure, and shows notes about empty or cut-off answers', async () => {
    const r = renderer();
    await r.event(new WorkflowWarningEvent('empty_response', 'Agent A returned an empty answer.', 'a'));
    await r.event(
      new WorkflowFailedEvent({ name: 'ModelHttpError', message: '503' }, 'a', [
        { name: 'process_refund', callId: 'call_1', ok: true },
      ]),
    );
    expect(h.fake.thread('C9', '1.1').map((m) => m.text)).toEqual([
      ':warning: Agent A returned an empty answer.',
      `:warning: ${NOTICES.apology} Before that, this ran: process_refund (done).`,
    ]);
  });

  it('posts nothing for a user-input request and a friendly notice for a safety stop', async () => {
    const r = renderer();
    await r.event(new RequestInfoEvent('req_1', 'a', new HandoffAgentUserRequest({ messages: [] })));
    expect(texts()).toEqual([]);
    await r.event(new WorkflowWarningEvent('handoff_loop', 'a → b → a three times (internal detail)', 'a'));
    expect(texts()).toHaveLength(1);
    expect(texts()[0]).toContain(NOTICES.warning);
    expect(texts()[0]).not.toContain('internal detail');
  });

  it('never throws into the driver when Slack fails', async () => {
    // Nothing listens on the discard port: every call fails to connect.
    const r = renderer(async () => {}, 'http://127.0.0.1:9/api/');
    await expect(r.event(new AgentRunUpdateEvent('a', 'text'))).resolves.toBeUndefined();
    await expect(r.event(new WorkflowFailedEvent({ name: 'E', message: 'm' }))).resolves.toBeUndefined();
    await expect(r.close()).resolves.toBeUndefined();
  });
});
