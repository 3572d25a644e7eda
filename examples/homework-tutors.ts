/**
 * The seed's homework tutors: triage routes to a math or a history tutor, and each tutor can hand back to
 * triage. Chat with it on a real model: `npx tsx examples/chat.ts homework-tutors`.
 */
import { AgentWorkflowBuilder, ChatAgent, type ChatModel, type HandoffWorkflow } from '../src/index.js';

export function createHomeworkWorkflow(model: ChatModel): HandoffWorkflow {
  const historyTutor = new ChatAgent({
    name: 'history_tutor',
    instructions:
      'You provide assistance with historical queries. Explain important events and context clearly. Only respond about history.',
    description: 'Specialist agent for historical questions',
    model,
  });
  const mathTutor = new ChatAgent({
    name: 'math_tutor',
    instructions:
      'You provide help with math problems. Explain your reasoning at each step and include examples. Only respond about math.',
    description: 'Specialist agent for math questions',
    model,
  });
  const triageAgent = new ChatAgent({
    name: 'triage_agent',
    instructions:
      "You determine which agent to use based on the user's homework question. ALWAYS handoff to another agent.",
    description: 'Routes messages to the appropriate specialist agent',
    model,
  });
  // The seed's C# form: the participants are the agents the start agent and the edges name.
  return AgentWorkflowBuilder.startHandoffWith(triageAgent, { name: 'homework_handoff' })
    .withHandoffs(triageAgent, [mathTutor, historyTutor]) // Triage can route to either specialist
    .withHandoff(mathTutor, triageAgent) // Math tutor can return to triage
    .withHandoff(historyTutor, triageAgent) // History tutor can return to triage
    .build();
}
