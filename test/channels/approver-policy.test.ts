import { describe, expect, it } from 'vitest';
import { makeFunctionCall } from '../../src/agents/messages.js';
import {
  type ApproverContext,
  type ApproversOption,
  decidersText,
  describeApprovers,
  mayApprove,
  parseApprovers,
} from '../../src/channels/approver-policy.js';
import { FunctionApprovalRequest } from '../../src/handoff/requests.js';

const request = (tool = 'process_refund', requestedBy: string | null = 'U_BOB') =>
  new FunctionApprovalRequest('req_1', makeFunctionCall('c1', tool, '{}'), 'refund_agent', {
    ...(requestedBy ? { requestedBy } : {}),
  });
const ctx = (user: ApproverContext['user'], r = request()): ApproverContext => ({
  request: r,
  user,
  starterId: 'U_ALICE',
  conversationKey: 'k',
});
const may = (
  option: ApproversOption | undefined,
  user: ApproverContext['user'],
  r?: FunctionApprovalRequest,
) => mayApprove(option, ctx(user, r));

describe('approver policy', () => {
  it('defaults to the requester, not the starter; older requests without a requester fall back to the starter', async () => {
    expect(await may(undefined, { id: 'U_BOB' })).toBe(true);
    expect(await may(undefined, { id: 'U_ALICE' })).toBe(false);
    expect(await may(undefined, { id: 'U_ALICE' }, request('process_refund', null))).toBe(true);
  });

  it('keeps external users from approving unless allowed, even when a rule names them', async () => {
    expect(await may(undefined, { id: 'U_BOB', external: true })).toBe(false);
    expect(await may({ tools: { process_refund: ['U_BOB'] } }, { id: 'U_BOB', external: true })).toBe(false);
    expect(
      await may({ default: 'requester', externalUsersMayApprove: true }, { id: 'U_BOB', external: true }),
    ).toBe(true);
  });

  it('per tool: user ids, the starter, groups checked by the channel; a failed lookup admits nobody', async () => {
    const policy: ApproversOption = {
      default: 'requester',
      tools: { process_refund: ['starter', { kind: 'slack_user_group', id: 'S_FIN' }] },
    };
    expect(await may(policy, { id: 'U_BOB' })).toBe(false);
    expect(await may(policy, { id: 'U_ALICE' })).toBe(true);
    const member = { id: 'U_CAROL', memberOf: async (g: { id: string }) => g.id === 'S_FIN' };
    expect(await may(policy, member)).toBe(true);
    const broken = {
      id: 'U_CAROL',
      memberOf: async () => {
        throw new Error('ratelimited');
      },
    };
    expect(await may(policy, broken)).toBe(false);
    expect(await may(policy, { id: 'U_BOB' }, request('check_order_status'))).toBe(true);
  });

  it('accepts the older per-tool map (ids or a predicate)', async () => {
    expect(await may({ process_refund: ['U_MANAGER'] }, { id: 'U_MANAGER' })).toBe(true);
    expect(await may({ process_refund: ['U_MANAGER'] }, { id: 'U_BOB' })).toBe(false);
    expect(await may({ process_refund: (c) => c.user.id.startsWith('U_M') }, { id: 'U_MAX' })).toBe(true);
  });

  it('reads BATON_APPROVERS, and says what is wrong with a bad entry', async () => {
    const policy = parseApprovers('requester; process_refund=U123,slack-group:S9; external')!;
    expect(policy).toEqual({
      default: ['requester'],
      tools: { process_refund: [{ users: ['U123'] }, { kind: 'slack_user_group', id: 'S9' }] },
      externalUsersMayApprove: true,
    });
    expect(await may(policy, { id: 'U123' })).toBe(true);
    expect(() => parseApprovers('process refund=U1')).toThrow(/is not a tool name/);
    expect(() => parseApprovers('process_refund=team:19abc')).toThrow(
      /use slack-group:, entra-group: or teams-team:/,
    );
    expect(() => parseApprovers('process_refund=')).toThrow(/names no approvers/);
    expect(parseApprovers('  ')).toBeUndefined();
  });

  it('describes who may decide for the card', () => {
    const d = describeApprovers(
      { tools: { process_refund: ['requester', 'U1', { kind: 'teams_team', id: 'T1' }] } },
      'process_refund',
    );
    expect(decidersText(d)).toBe('the person who asked, or U1, or members of team T1 (not external users)');
    expect(decidersText(describeApprovers(undefined, 'x'))).toBe('the person who asked (not external users)');
  });
});
