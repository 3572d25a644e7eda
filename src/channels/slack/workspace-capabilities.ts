/**
 * What each workspace refused once (persona overrides, native streaming, assistant status), remembered so a
 * refusal costs one failed call per workspace instead of one per message.
 */

export type Capability = 'persona' | 'native_streaming' | 'status';

export class WorkspaceCapabilities {
  private readonly refused = new Map<Capability, Set<string>>();

  allows(workspace: string, capability: Capability): boolean {
    return !this.refused.get(capability)?.has(workspace);
  }

  refuse(workspace: string, capability: Capability): void {
    let set = this.refused.get(capability);
    if (!set) {
      set = new Set();
      this.refused.set(capability, set);
    }
    set.add(workspace);
  }
}

/** The `error` code of a Slack Web API platform error (`{ ok: false, error }`), if that is what `error` is. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: unknown } | null)?.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const code = (data as { error?: unknown }).error;
  return typeof code === 'string' ? code : undefined;
}

/** The `needed` scope of a `missing_scope` error. */
export function slackNeededScope(error: unknown): string | undefined {
  const data = (error as { data?: { needed?: unknown } } | null)?.data;
  return typeof data?.needed === 'string' ? data.needed : undefined;
}

/**
 * Slack refuses `username`/`icon_*` without the `chat:write.customize` scope (`missing_scope`, needed
 * `chat:write.customize`), and for token types that cannot post as someone else (`not_allowed_token_type`).
 */
export function isPersonaRefusal(error: unknown): boolean {
  const code = slackErrorCode(error);
  if (code === 'not_allowed_token_type') return true;
  if (code !== 'missing_scope') return false;
  const needed = slackNeededScope(error);
  return needed === undefined || needed.includes('chat:write.customize');
}
