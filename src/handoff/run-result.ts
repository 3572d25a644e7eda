/** What the non-streaming `run` / `sendResponses` return: the events, outputs and what is still pending. */
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
  get state(): WorkflowRunState {
    const last = this.events.filter((e): e is WorkflowStatusEvent => e instanceof WorkflowStatusEvent).at(-1);
    return last?.state ?? 'idle';
  }
}
