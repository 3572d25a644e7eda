/** The worker Lambda's entry (bundled by esbuild): runs queued turns. Import the same bot as the ingress. */

import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import { lambdaWorker } from '../../src/app/lambda/index.js';

export const handler = lambdaWorker(createCustomerSupportWorkflow);
