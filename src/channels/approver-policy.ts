/**
 * Who may decide an approval: per tool and per deployment. The default is the requester — the person whose
 * message led to the request — so in a group chat the first person who ever spoke does not approve everyone's
 * calls, and nobody approves a call they did not see asked for unless the policy names them. External users
 * (Slack Connect, people from other Teams tenants or guests) may chat but not approve unless allowed.
 */
import type { FunctionApprovalRequest } from '../handoff/requests.js';

/** A group a channel can check membership of, at click time. */
export type ApproverGroup =
  | { kind: 'slack_user_group'; id: string }
  | { kind: 'entra_group'; id: string }
  | { kind: 'teams_team'; id: string };

export interface ChannelUser {
  /** Stable id on the platform (Slack user id, AAD object id, playground user). */
  id: string;
  name?: string;
  /**
   * From outside the deployment's organisation: a Slack Connect user from another workspace, a Teams user
   * from another tenant or a guest. External users may chat; they approve only where the policy allows.
   */
  external?: boolean;
  /** Membership checks the channel can answer (Slack user groups, Teams teams); absent: none. */
  memberOf?: (group: ApproverGroup) => Promise<boolean>;
}

export interface ApproverContext {
  request: FunctionApprovalRequest;
  user: ChannelUser;
  /** The person who started the conversation. */
  starterId: string | undefined;
  conversationKey: string;
}

/** Legacy per-tool rule: user ids allowed to approve, or a predicate. */
export type ApproverRule = readonly string[] | ((context: ApproverContext) => boolean | Promise<boolean>);

/** One way to qualify; a list of them means any one is enough. Any other string is a user id. */
export type Approver =
  | 'requester'
  | 'starter'
  | (string & {})
  | { users: readonly string[] }
  | ApproverGroup
  | ((context: ApproverContext) => boolean | Promise<boolean>);

export interface ApproverPolicyOptions {
  /** Who decides for tools without their own entry (default `'requester'`). */
  default?: Approver | readonly Approver[];
  /** Per tool name. */
  tools?: Readonly<Record<string, Approver | readonly Approver[]>>;
  /** Let external users approve where the rule admits them (default false: they may chat, not approve). */
  externalUsersMayApprove?: boolean;
}

/** What the driver accepts: a policy, or the older `{ tool: ids | predicate }` map (default: requester). */
export type ApproversOption = ApproverPolicyOptions | Readonly<Record<string, ApproverRule>>;

const POLICY_KEYS = new Set(['default', 'tools', 'externalUsersMayApprove']);

/** A policy object (not the older per-tool map): only the policy's own keys. */
export function isPolicyOptions(option: ApproversOption): option is ApproverPolicyOptions {
  const keys = Object.keys(option);
  return keys.length > 0 && keys.every((k) => POLICY_KEYS.has(k));
}

function normalize(option: ApproversOption | undefined): ApproverPolicyOptions {
  if (option === undefined) return {};
  if (isPolicyOptions(option)) return option;
  const tools: Record<string, Approver> = {};
  for (const [tool, rule] of Object.entries(option as Record<string, ApproverRule>)) {
    tools[tool] = typeof rule === 'function' ? rule : { users: rule };
  }
  return { tools };
}

function rulesFor(policy: ApproverPolicyOptions, tool: string): readonly Approver[] {
  const rule = policy.tools?.[tool] ?? policy.default ?? 'requester';
  return isList(rule) ? rule : [rule];
}

function isList(rule: Approver | readonly Approver[]): rule is readonly Approver[] {
  return Array.isArray(rule);
}

/** Whether `context.user` may decide `context.request` under the policy. */
export async function mayApprove(
  option: ApproversOption | undefined,
  context: ApproverContext,
): Promise<boolean> {
  const policy = normalize(option);
  if (context.user.external && !policy.externalUsersMayApprove) return false;
  for (const rule of rulesFor(policy, context.request.functionCall.name)) {
    if (await admits(rule, context)) return true;
  }
  return false;
}

async function admits(rule: Approver, context: ApproverContext): Promise<boolean> {
  const { user, request } = context;
  if (rule === 'requester') {
    // Requests recorded before the requester was stored fall back to the starter.
    const requester = request.requestedBy ?? context.starterId;
    return requester !== undefined && user.id === requester;
  }
  if (rule === 'starter') return context.starterId !== undefined && user.id === context.starterId;
  if (typeof rule === 'string') return user.id === rule;
  if (typeof rule === 'function') return await rule(context);
  if ('users' in rule) return rule.users.includes(user.id);
  if (!user.memberOf) return false;
  try {
    return await user.memberOf(rule);
  } catch {
    // A membership lookup that failed admits nobody (the click is refused, and can be tried again).
    return false;
  }
}

/** The card's "May decide" line, in words (channels may render user ids as mentions). */
export interface DeciderDescription {
  requester: boolean;
  starter: boolean;
  users: string[];
  groups: ApproverGroup[];
  /** A rule in code the card cannot describe. */
  custom: boolean;
  externalUsersMayApprove: boolean;
}

export function describeApprovers(option: ApproversOption | undefined, tool: string): DeciderDescription {
  const policy = normalize(option);
  const d: DeciderDescription = {
    requester: false,
    starter: false,
    users: [],
    groups: [],
    custom: false,
    externalUsersMayApprove: policy.externalUsersMayApprove === true,
  };
  for (const rule of rulesFor(policy, tool)) {
    if (rule === 'requester') d.requester = true;
    else if (rule === 'starter') d.starter = true;
    else if (typeof rule === 'string') d.users.push(rule);
    else if (typeof rule === 'function') d.custom = true;
    else if ('users' in rule) d.users.push(...rule.users);
    else d.groups.push(rule);
  }
  return d;
}

/** Plain words for a description; `user` and `group` render ids the platform's way. */
export function decidersText(
  d: DeciderDescription,
  render: { user?: (id: string) => string; group?: (g: ApproverGroup) => string } = {},
): string {
  const user = render.user ?? ((id) => id);
  const group =
    render.group ??
    ((g: ApproverGroup) =>
      g.kind === 'slack_user_group'
        ? `members of user group ${g.id}`
        : g.kind === 'teams_team'
          ? `members of team ${g.id}`
          : `members of Entra group ${g.id}`);
  const parts = [
    ...(d.requester ? ['the person who asked'] : []),
    ...(d.starter ? ['the person who started this conversation'] : []),
    ...d.users.map(user),
    ...d.groups.map(group),
    ...(d.custom ? ['people the deployment’s rule admits'] : []),
  ];
  const who = parts.length ? parts.join(', or ') : 'nobody';
  return d.externalUsersMayApprove ? who : `${who} (not external users)`;
}

/**
 * `BATON_APPROVERS`: `;`-separated entries, each `tool=rule,rule` or just `rule,rule` for the default. Rules:
 * `requester`, `starter`, a user id (`U123`, an AAD object id), `slack-group:S123`, `entra-group:<id>`,
 * `teams-team:<id>`; `external` as a rule lets external users approve. Throws a clear error on anything else.
 */
export function parseApprovers(value: string | undefined): ApproverPolicyOptions | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const out: { default?: Approver[]; tools?: Record<string, Approver[]>; externalUsersMayApprove?: boolean } =
    {};
  for (const entry of value
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const eq = entry.indexOf('=');
    const tool = eq >= 0 ? entry.slice(0, eq).trim() : undefined;
    if (tool !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(tool))
      throw new Error(`"${tool}" is not a tool name (letters, digits, "_" and "-")`);
    const rules: Approver[] = [];
    for (const raw of (eq >= 0 ? entry.slice(eq + 1) : entry)
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean)) {
      if (raw === 'external') out.externalUsersMayApprove = true;
      else rules.push(parseRule(raw));
    }
    if (rules.length === 0 && !(tool === undefined && out.externalUsersMayApprove))
      throw new Error(`"${entry}" names no approvers (e.g. process_refund=requester,U123)`);
    if (tool === undefined) {
      if (rules.length) out.default = [...(out.default ?? []), ...rules];
    } else {
      out.tools ??= {};
      out.tools[tool] = [...(out.tools[tool] ?? []), ...rules];
    }
  }
  return out;
}

function parseRule(raw: string): Approver {
  if (raw === 'requester' || raw === 'starter') return raw;
  const [prefix, id] = raw.includes(':')
    ? [raw.slice(0, raw.indexOf(':')), raw.slice(raw.indexOf(':') + 1)]
    : [];
  if (prefix !== undefined && id !== undefined) {
    if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(id)) throw new Error(`"${raw}": the group id is not valid`);
    if (prefix === 'slack-group') return { kind: 'slack_user_group', id };
    if (prefix === 'entra-group') return { kind: 'entra_group', id };
    if (prefix === 'teams-team') return { kind: 'teams_team', id };
    throw new Error(`"${raw}": use slack-group:, entra-group: or teams-team: before a group id`);
  }
  if (!/^[A-Za-z0-9_.@-]{1,128}$/.test(raw))
    throw new Error(`"${raw}" is not a rule: use requester, starter, a user id, or slack-group:<id>`);
  return { users: [raw] };
}
