/**
 * Baton on AWS Lambda: `lambdaIngress(createWorkflow)` and `lambdaWorker(createWorkflow)` build the handlers from
 * the environment (plus the secret named by BATON_SECRET_ID) on the first invocation. A deployment's entry file
 * imports its bot and exports them, e.g. `export const handler = lambdaWorker(createCustomerSupportWorkflow);`.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { parseConfig } from '../config.js';
import { type IngressHandler, ingressHandler, type WorkerHandler, workerHandler } from './handlers.js';
import { createIngressRuntime, createWorkerRuntime, type WorkflowFactory } from './runtime.js';
import { loadSecretEnv } from './secrets.js';

export { type IngressHandler, ingressHandler, type WorkerHandler, workerHandler } from './handlers.js';
export {
  jobOf,
  parseQueueMessage,
  QUEUE_MESSAGE_SCHEMA_VERSION,
  type QueueMessage,
  QueueMessageSchema,
  sqsId,
} from './queue-message.js';
export {
  createIngressRuntime,
  createWorkerRuntime,
  type IngressRuntime,
  type LambdaRuntimeOptions,
  type WorkerRuntime,
  type WorkflowFactory,
} from './runtime.js';
export { loadSecretEnv, type SecretReader } from './secrets.js';
export { ENQUEUE_CLAIM_LEASE_SECONDS, sqsDispatch } from './sqs-dispatch.js';

async function configFromEnvironment() {
  return parseConfig(await loadSecretEnv(process.env.BATON_SECRET_ID, process.env));
}

/** Built once per instance; a failed start is retried on the next invocation instead of sticking. */
function once<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= build().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

export function lambdaIngress(createWorkflow: WorkflowFactory): IngressHandler {
  return ingressHandler(
    once(async () => {
      const config = await configFromEnvironment();
      return createIngressRuntime(config, {
        createWorkflow,
        sqs: new SQSClient(config.AWS_REGION ? { region: config.AWS_REGION } : {}),
      });
    }),
  );
}

export function lambdaWorker(createWorkflow: WorkflowFactory): WorkerHandler {
  return workerHandler(
    once(async () => createWorkerRuntime(await configFromEnvironment(), { createWorkflow })),
  );
}
