import { describe, expect, it } from 'vitest';
import { jobOf, parseQueueMessage, sqsId } from '../../src/app/lambda/index.js';
import { slackQueueMessage, teamsQueueMessage } from '../../src/app/lambda/queue-message.js';

describe('queue message', () => {
  it('keeps valid SQS ids and hashes long or non-ASCII ones stably', () => {
    expect(sqsId('slack:msg:T1:C1:1800000001.000100')).toBe('slack:msg:T1:C1:1800000001.000100');
    const long = `teams:tenant:19:${'x'.repeat(200)}@thread.tacv2;messageid=1`;
    expect(sqsId(long)).toMatch(/^[0-9a-f]{64}$/);
    expect(sqsId(long)).toBe(sqsId(long));
    expect(sqsId('teams:ünïcode')).toMatch(/^[0-9a-f]{64}$/);
    expect(sqsId('with space')).toMatch(/^[0-9a-f]{64}$/);
    expect(sqsId(undefined)).not.toBe(sqsId(undefined));
  });

  it('round-trips a Slack click and a Teams click through JSON', () => {
    const slack = slackQueueMessage({
      kind: 'click',
      inbound: {
        type: 'decision',
        conversationKey: 'slack:T1:C1:1.0',
        user: { id: 'U1' },
        requestId: 'req-1',
        approved: false,
        eventId: 'slack:action:T1:C1:2.0:3.0',
      },
      thread: { workspace: 'T1', channel: 'C1', threadTs: '1.0', userId: 'U1' },
      card: { messageTs: '2.0', blocks: [{ type: 'section' }] },
    });
    expect(jobOf(parseQueueMessage(JSON.stringify(slack)))).toEqual({
      channel: 'slack',
      job: {
        kind: 'click',
        inbound: slack.inbound,
        thread: { workspace: 'T1', channel: 'C1', threadTs: '1.0', userId: 'U1' },
        card: { messageTs: '2.0', blocks: [{ type: 'section' }] },
      },
    });

    const activity = {
      type: 'invoke',
      id: 'inv-1',
      replyToId: 'card-1',
      from: { id: '29:a', aadObjectId: 'aad-a', name: 'A' },
    };
    const teams = teamsQueueMessage({
      kind: 'click',
      conversationKey: 'teams:t:19:c',
      scope: 'personal',
      activity,
      data: { kind: 'baton.approval', requestId: 'req-2', approved: true },
    });
    expect(teams.inbound).toEqual({
      type: 'decision',
      conversationKey: 'teams:t:19:c',
      user: { id: 'aad-a', name: 'A' },
      requestId: 'req-2',
      approved: true,
      eventId: 'teams:inv-1',
    });
    const back = jobOf(parseQueueMessage(JSON.stringify(teams)));
    expect(back).toMatchObject({
      channel: 'teams',
      job: { kind: 'click', activity, data: { requestId: 'req-2' } },
    });
  });

  it('refuses other schema versions and mismatched conversation keys', () => {
    expect(() => parseQueueMessage('{"schemaVersion":2}')).toThrow();
    expect(() => parseQueueMessage('not json')).toThrow();
    const message = slackQueueMessage({
      kind: 'message',
      inbound: {
        type: 'message',
        conversationKey: 'slack:T1:C1:1.0',
        user: { id: 'U1' },
        contents: [{ type: 'text', text: 'hi' }],
      },
      thread: { workspace: 'T1', channel: 'C1', threadTs: '1.0', userId: 'U1' },
    });
    expect(() =>
      parseQueueMessage(JSON.stringify({ ...message, conversationKey: 'slack:T1:C1:9.9' })),
    ).toThrow(/conversationKey/);
  });
});
