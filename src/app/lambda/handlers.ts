/** The two Lambda handlers over a runtime: HTTP in (ingress), SQS in (worker). */
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  SQSBatchItemFailure,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import type { IngressRuntime, WorkerRuntime } from './runtime.js';

export type IngressHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
export type WorkerHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** Runtimes are built once per Lambda instance (cold start) and reused by every invocation. */
export function ingressHandler(runtime: () => Promise<IngressRuntime>): IngressHandler {
  return async (event) => {
    const rt = await runtime();
    try {
      return await rt.serve(event);
    } catch (error) {
      rt.logger.error({ err: errorInfo(error), path: event.rawPath }, 'ingress request failed');
      // Not acked: Slack and Teams deliver again.
      return { statusCode: 500, body: 'Internal error.' };
    }
  };
}

export function workerHandler(runtime: () => Promise<WorkerRuntime>): WorkerHandler {
  return async (event) => {
    const rt = await runtime();
    const batchItemFailures: SQSBatchItemFailure[] = [];
    for (const record of event.Records) {
      // FIFO: after a failure, later records of the batch must not overtake it (they may share its group).
      if (batchItemFailures.length > 0) {
        batchItemFailures.push({ itemIdentifier: record.messageId });
        continue;
      }
      try {
        await rt.runMessage(record.body);
      } catch (error) {
        rt.logger.error(
          {
            err: errorInfo(error),
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
          },
          'queued turn failed; SQS will deliver it again (then to the dead-letter queue)',
        );
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

function errorInfo(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
