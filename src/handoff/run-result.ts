/** What the non-streaming `run` / `sendResponses` return: the events, outputs and what is still pending. */
import type { UsageTotals } from '../agents/model.js';
import {
  RequestInfoEvent,
  type WorkflowEvent,
  WorkflowOutputEvent,
  type WorkflowRunState,
  WorkflowStatusEvent,
} from './events.js';
import type { ConversationMessage } from './requests.js';

/** What a non-streaming run returns. */
export class WorkflowRunResult {
  constructor(
    readonly events: readonly WorkflowEvent[],
    /** Everything pending after the run (not only what this run raised). */
    readonly pendingRequests: readonly RequestInfoEvent[],
  ) {}
  getOutputs(): (readonly ConversationMessage[])[] {
    return this.events
      .filter((e): e is WorkflowOutputEvent => e instanceof WorkflowOutputEvent)
      .map((e) => e.data);
  }
  getRequestInfoEvents(): RequestInfoEvent[] {
    return this.events.filter((e): e is RequestInfoEvent => e instanceof RequestInfoEvent);
  }
  /** Tokens of every model call of this run (summed over its turns when it spans several). */
  get usage(): UsageTotals {
    const total: UsageTotals = { inputTokens: 0, outputTokens: 0, totalTokens: 0, modelCalls: 0 };
    for (const e of this.events) {
      if (!(e instanceof WorkflowStatusEvent) || !e.usage) continue;
      total.inputTokens += e.usage.inputTokens;
      total.outputTokens += e.usage.outputTokens;
      total.totalTokens += e.usage.totalTokens;
      total.modelCalls += e.usage.modelCalls;
    }
    return total;
  }
  get state(): WorkflowRunState {
    const last = this.events.filter((e): e is WorkflowStatusEvent => e instanceof WorkflowStatusEvent).at(-1);
    return last?.state ?? 'idle';
  }
}
