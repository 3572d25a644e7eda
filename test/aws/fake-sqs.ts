/**
 * A fake of SQS on loopback speaking the protocol AWS SDK v3 uses (AWS JSON 1.0: `x-amz-target:
 * AmazonSQS.SendMessage`, JSON bodies), recording every SendMessage, and turning what it holds into the SQS
 * event a Lambda event source mapping delivers.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

export interface SentMessage {
  messageId: string;
  body: string;
  groupId: string | undefined;
  deduplicationId: string | undefined;
  sequenceNumber: string;
}

export class FakeSqs {
  /** Every SendMessage call, in order. */
  readonly sent: SentMessage[] = [];
  /** Every request's `x-amz-target`. */
  readonly targets: string[] = [];
  private seq = 0;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  get queueUrl(): string {
    return `${this.endpoint}/000000000000/baton-turns.fifo`;
  }

  readonly queueArn = 'arn:aws:sqs:us-east-1:000000000000:baton-turns.fifo';

  static async start(): Promise<FakeSqs> {
    let fake: FakeSqs | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        const { status, body } = fake!.answer(target, input);
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeSqs(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  reset(): void {
    this.sent.length = 0;
    this.targets.length = 0;
  }

  /** The SQS event for these messages, as the event source mapping delivers it to the worker. */
  event(messages: readonly SentMessage[], receiveCount = 1): SQSEvent {
    return { Records: messages.map((m) => this.record(m, receiveCount)) };
  }

  record(m: SentMessage, receiveCount = 1): SQSRecord {
    const now = String(Date.now());
    return {
      messageId: m.messageId,
      receiptHandle: `handle-${m.messageId}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: now,
        SenderId: 'AROAEXAMPLE:baton-ingress',
        ApproximateFirstReceiveTimestamp: now,
        SequenceNumber: m.sequenceNumber,
        ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
        ...(m.deduplicationId ? { MessageDeduplicationId: m.deduplicationId } : {}),
      },
      messageAttributes: {},
      md5OfBody: md5(m.body),
      eventSource: 'aws:sqs',
      eventSourceARN: this.queueArn,
      awsRegion: 'us-east-1',
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private answer(target: string, input: Record<string, unknown>): { status: number; body: unknown } {
    this.targets.push(target);
    if (target !== 'AmazonSQS.SendMessage') {
      return { status: 400, body: { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: target } };
    }
    const body = String(input.MessageBody ?? '');
    const message: SentMessage = {
      messageId: randomUUID(),
      body,
      groupId: typeof input.MessageGroupId === 'string' ? input.MessageGroupId : undefined,
      deduplicationId:
        typeof input.MessageDeduplicationId === 'string' ? input.MessageDeduplicationId : undefined,
      sequenceNumber: String(++this.seq).padStart(20, '0'),
    };
    this.sent.push(message);
    // The SDK checks MD5OfMessageBody against what it sent.
    return {
      status: 200,
      body: {
        MessageId: message.messageId,
        MD5OfMessageBody: md5(body),
        SequenceNumber: message.sequenceNumber,
      },
    };
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
