/**
 * The seed's homework tutors: triage routes to a math or a history tutor, and each tutor can hand back to
 * triage. Chat with it on a real model: `npx tsx examples/chat.ts homework-tutors`.
 */
import { ChatAgent, type ChatModel, HandoffBuilder, type HandoffWorkflow } from '../src/index.js';

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
  return new HandoffBuilder({
    name: 'homework_handoff',
    participants: [triageAgent, mathTutor, historyTutor],
  })
    .withStartAgent(triageAgent)
    .addHandoff(triageAgent, [mathTutor, historyTutor])
    .addHandoff(mathTutor, triageAgent)
    .addHandoff(historyTutor, triageAgent)
    .build();
}
