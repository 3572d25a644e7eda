/**
 * The ingress Lambda's entry (bundled by esbuild): Slack events and interactivity at /slack/events, Teams at
 * /api/messages. To deploy another bot, import its workflow factory here instead of the example's.
 */

import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import { lambdaIngress } from '../../src/app/lambda/index.js';

export const handler = lambdaIngress(createCustomerSupportWorkflow);
