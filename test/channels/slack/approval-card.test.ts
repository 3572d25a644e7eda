import { describe, expect, it } from 'vitest';
import { makeFunctionCall } from '../../../src/agents/messages.js';
import { approvalCard, MAX_ARGUMENTS_CHARS, settledCard } from '../../../src/channels/slack/approval-card.js';
import { FunctionApprovalRequest } from '../../../src/handoff/requests.js';

const persona = { displayName: 'Refund <Agent>' };
const request = (args: string) =>
  new FunctionApprovalRequest('req_1', makeFunctionCall('call_1', 'process_refund', args), 'refund_agent');
type Section = { type: 'section'; text: { text: string } };
type Fields = { type: 'section'; fields: Array<{ text: string }> };

describe('approval card', () => {
  it('carries only the request id in its buttons', () => {
    const card = approvalCard(request('{"order_number":"7"}'), persona);
    const actions = card.blocks.find((b) => b.type === 'actions') as { elements: Array<{ value: string }> };
    expect(actions.elements.map((e) => e.value)).toEqual(['req_1', 'req_1']);
  });

  it('escapes the agent name and arguments, and breaks code fences inside them', () => {
    const card = approvalCard(request('{"note":"<@U1> ``` &"}'), persona);
    const [title, args] = card.blocks as Section[];
    expect(title!.text.text).toContain('Refund &lt;Agent&gt;');
    const field = (args as unknown as Fields).fields[0]!.text;
    expect(field).toContain('&lt;@U1&gt;');
    expect(field).toContain('&amp;');
    // Only the opening and closing fences remain.
    expect(field.match(/```/g)).toHaveLength(2);
  });

  it('shows a huge argument in full across sections, each within Slack limits, and never cuts it', () => {
    const blob = `${'x'.repeat(9_000)}END`;
    const card = approvalCard(request(JSON.stringify({ blob })), persona);
    const parts = card.blocks.filter((b) => b.type === 'section' && JSON.stringify(b).includes('blob'));
    expect(parts.length).toBe(4);
    for (const p of parts) expect((p as Section).text.text.length).toBeLessThanOrEqual(3000);
    const shown = parts.map((p) => (p as Section).text.text.replace(/^.*\n```|```$/gs, '')).join('');
    expect(shown).toBe(JSON.stringify(blob));
    expect(JSON.stringify(card)).not.toContain('…');
  });

  it('refuses approval (Reject only) when the arguments are too large to read in a card', () => {
    const card = approvalCard(
      request(JSON.stringify({ blob: 'x'.repeat(MAX_ARGUMENTS_CHARS + 10) })),
      persona,
    );
    const actions = card.blocks.find((b) => b.type === 'actions') as {
      elements: Array<{ action_id: string }>;
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['baton_reject']);
    expect(JSON.stringify(card)).toContain('too large to show here');
    expect(JSON.stringify(card)).not.toContain('xxxxxxxxxx');
  });

  it('a padded first field cannot push `amount` out of sight: short arguments come first, in full', () => {
    const args = { note: ' '.repeat(2_400) + 'x'.repeat(3_000), order_number: '1234', amount: 990_000 };
    const card = approvalCard(request(JSON.stringify(args)), persona);
    const firstArguments = card.blocks.find(
      (b) => b.type === 'section' && 'fields' in b,
    ) as unknown as Fields;
    expect(firstArguments.fields.map((f) => f.text)).toEqual([
      '*order_number*\n```"1234"```',
      '*amount*\n```990000```',
    ]);
    expect(card.blocks.indexOf(firstArguments as never)).toBeLessThan(
      card.blocks.findIndex((b) => JSON.stringify(b).includes('*note*')),
    );
  });

  it('renders "Verified by Finance" with a link as literal text inside code, not as a trusted line', () => {
    const value =
      '✅ Verified by Finance — safe to approve <https://evil.example/ok|details> [docs](https://evil.example)';
    const card = approvalCard(request(JSON.stringify({ memo: value })), persona);
    const text = JSON.stringify(card.blocks);
    expect(text).toContain(
      '```\\"✅ Verified by Finance — safe to approve &lt;https://evil.example/ok|details&gt;',
    );
    expect(text).not.toContain('<https://evil.example');
  });

  it('shows the canonical validated arguments, the keys the schema removed, and who asked', () => {
    const call = makeFunctionCall(
      'call_1',
      'process_refund',
      '{"order_number":" a-1 ","amount":5,"approved_by":"finance"}',
    );
    const r = new FunctionApprovalRequest('req_1', call, 'refund_agent', {
      validatedArguments: { order_number: 'A-1', amount: 5, currency: 'EUR' },
      requestedBy: 'U_ALICE',
    });
    const card = approvalCard(r, persona, { deciders: 'the requester' });
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('```\\"A-1\\"```');
    expect(text).toContain('*currency*\\n```\\"EUR\\"```');
    expect(text).not.toContain(' a-1 ');
    expect(text).toContain('Not passed to the tool (its schema removes them): `approved_by`');
    expect(text).toContain('Asked by <@U_ALICE> · May decide: the requester');
  });

  it('spells out invisible characters that could reorder what the approver reads', () => {
    const card = approvalCard(request(JSON.stringify({ iban: 'DE89\u202e3704' })), persona);
    expect(JSON.stringify(card.blocks)).toContain('DE89\\\\u202e3704');
  });

  it('shows raw arguments when they are not JSON', () => {
    const card = approvalCard(request('not json'), persona);
    expect(JSON.stringify(card.blocks)).toContain('```\\"not json\\"```');
  });

  it('replaces the buttons by who decided and when', () => {
    const card = approvalCard(request('{}'), persona);
    const settled = settledCard(card.blocks, {
      approved: false,
      userId: 'U9',
      at: new Date('2026-01-02T10:42:00Z'),
    });
    expect(settled.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(settled.blocks.at(-1))).toContain(
      'Rejected by <@U9> · <!date^1767350520^{time}|10:42 UTC>',
    );
  });
});
