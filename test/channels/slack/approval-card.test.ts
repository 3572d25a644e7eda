import { describe, expect, it } from 'vitest';
import { makeFunctionCall } from '../../../src/agents/messages.js';
import { approvalCard, MAX_ARGUMENTS_CHARS, settledCard } from '../../../src/channels/slack/approval-card.js';
import { FunctionApprovalRequest } from '../../../src/handoff/requests.js';

const persona = { displayName: 'Refund <Agent>' };
const request = (args: string) =>
  new FunctionApprovalRequest('req_1', makeFunctionCall('call_1', 'process_refund', args), 'refund_agent');
type Section = { type: 'section'; text: { text: string } };

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
    expect(args!.text.text).toContain('&lt;@U1&gt;');
    expect(args!.text.text).toContain('&amp;');
    // Only the opening and closing fences remain.
    expect(args!.text.text.match(/```/g)).toHaveLength(2);
  });

  it('truncates huge arguments to fit a section', () => {
    const card = approvalCard(request(JSON.stringify({ blob: 'x'.repeat(10_000) })), persona);
    const args = (card.blocks[1] as Section).text.text;
    expect(args.length).toBeLessThanOrEqual(3000);
    expect(args).toContain('…');
    expect(MAX_ARGUMENTS_CHARS).toBeLessThan(3000);
  });

  it('shows raw arguments when they are not JSON', () => {
    const card = approvalCard(request('not json'), persona);
    expect((card.blocks[1] as Section).text.text).toBe('```not json```');
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
