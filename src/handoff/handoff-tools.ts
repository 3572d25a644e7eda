/** The handoff tools offered to each agent, and the instructions that tell agents how to use them. */
import type { ChatAgent } from '../agents/agent.js';
import type { FunctionCallContent } from '../agents/messages.js';
import type { ToolDefinition } from '../agents/tool.js';

export const HANDOFF_TOOL_PREFIX = 'handoff_to_';

export const DEFAULT_HANDOFF_INSTRUCTIONS =
  'You are one agent in a multi-agent system. You can hand off the conversation to another agent when it is ' +
  'better suited to help. Handoffs are made by calling a function named handoff_to_<agent_name>; its ' +
  'description says what that agent does. Handoffs happen seamlessly in the background: never mention or ' +
  'narrate a handoff to the user, and do not claim to be another agent. If you can help, help directly.';

export function handoffToolName(target: string): string {
  return `${HANDOFF_TOOL_PREFIX}${target}`;
}

export function handoffTarget(toolName: string): string | undefined {
  return toolName.startsWith(HANDOFF_TOOL_PREFIX) ? toolName.slice(HANDOFF_TOOL_PREFIX.length) : undefined;
}

export function handoffToolDefinition(target: ChatAgent, description?: string): ToolDefinition {
  return {
    name: handoffToolName(target.name),
    description:
      description || target.description || `Hand off the conversation to the ${target.name} agent.`,
    parameters: {
      type: 'object',
      properties: {
        reason: {
          type: 'string',
          description: 'Why you are handing off, in one short sentence; the receiving agent sees it.',
        },
      },
      additionalProperties: false,
    },
  };
}

/** The optional `reason` argument, when the model gave a usable one. */
export function handoffReason(call: FunctionCallContent): string | undefined {
  const reason = call.parsedArguments?.reason;
  return typeof reason === 'string' && reason.trim() ? reason.trim().slice(0, 500) : undefined;
}
