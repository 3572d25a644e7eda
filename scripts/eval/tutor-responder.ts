/**
 * The offline stand-in for a model in the homework-tutors eval: keyword rules, like the customer-support demo
 * script. Triage hands a math or history question to its tutor; a tutor hands a question of the other subject
 * back to triage; everything else gets a short reply that says it is scripted.
 */
import type { RecordedRequest, ScriptItem } from '../../src/testing/index.js';

type Subject = 'math' | 'history';

const MATH =
  /\d\s*[-+*/×÷^=]\s*\d|\b(math|maths|algebra|geometry|equation|solve|fraction|percent|derivative|integral|square root|triangle|area|multiply|divide|sum|prime|calculate|cuánto es|combien|wie viel|quanto fa|ecuación|équation|gleichung)\b|[x]\s*[+=]/iu;
const HISTORY =
  /\b(history|historical|war|empire|revolution|century|king|queen|emperor|president|dynasty|ancient|medieval|treaty|pharaoh|pyramid|battle|who was|when did|guerra|révolution|geschichte|imperio|reich|historia|histoire)\b/iu;

function subjectOf(text: string): Subject | undefined {
  const math = MATH.test(text);
  const history = HISTORY.test(text);
  if (math && !history) return 'math';
  if (history && !math) return 'history';
  return undefined;
}

function lastUserText(request: RecordedRequest): string {
  return request.lastUserText ?? '';
}

export function createTutorResponder(): (request: RecordedRequest) => ScriptItem {
  return (request) => {
    const tools = new Set(request.toolNames);
    const system = String(request.messages[0]?.content ?? '');
    const text = lastUserText(request);
    const subject = subjectOf(text);
    if (tools.has('handoff_to_math_tutor') || tools.has('handoff_to_history_tutor')) {
      if (subject) {
        return {
          toolCalls: [
            {
              name: `handoff_to_${subject}_tutor`,
              arguments: { reason: `A ${subject} question: ${text.slice(0, 60)}` },
            },
          ],
        };
      }
      return { text: '[scripted triage] Is this a math question or a history question?' };
    }
    const mine: Subject = /math/i.test(system) ? 'math' : 'history';
    if (subject && subject !== mine && tools.has('handoff_to_triage_agent')) {
      return {
        toolCalls: [{ name: 'handoff_to_triage_agent', arguments: { reason: `Not ${mine}: ${subject}` } }],
      };
    }
    return { text: `[scripted ${mine} tutor] Let's work through “${text.slice(0, 80)}” step by step.` };
  };
}
