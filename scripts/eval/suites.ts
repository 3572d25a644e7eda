/** The case sets `npm run eval` knows by name: their JSONL file, the workflow, and the offline stand-in model. */
import { fileURLToPath } from 'node:url';
import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import { createHomeworkWorkflow } from '../../examples/homework-tutors.js';
import { createDemoResponder } from '../../src/app/demo-responder.js';
import type { ChatModel, HandoffWorkflow } from '../../src/index.js';
import type { RecordedRequest, ScriptItem } from '../../src/testing/index.js';
import { createTutorResponder } from './tutor-responder.js';

export interface Suite {
  name: string;
  casesPath: string;
  workflow: (model: ChatModel) => HandoffWorkflow;
  /** The scripted responder used when no real model is configured. */
  offline: () => (request: RecordedRequest) => ScriptItem | undefined;
}

const casesFile = (name: string) =>
  fileURLToPath(new URL(`../../examples/evals/${name}.jsonl`, import.meta.url));

export const SUITES: Record<string, Suite> = {
  'customer-support': {
    name: 'customer-support',
    casesPath: casesFile('customer-support'),
    workflow: (model) => createCustomerSupportWorkflow({ model }),
    // The same script `npm start` plays offline, without its typing delay.
    offline: () => createDemoResponder({ delayMs: 0 }),
  },
  'homework-tutors': {
    name: 'homework-tutors',
    casesPath: casesFile('homework-tutors'),
    workflow: (model) => createHomeworkWorkflow(model),
    offline: () => createTutorResponder(),
  },
};
