/**
 * The CDK stack, synthesized offline (no credentials, no Docker: esbuild bundles both functions locally) and
 * checked with `aws-cdk-lib/assertions`: keys, TTL, PITR, FIFO + DLQ, the worker's event source, runtimes, and
 * that the worker's policy reaches only its table, its queue and its secret.
 */
import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatonStack } from '../../infra/lib/baton-stack.js';

const SECRET = 'baton/test';
let template: Template;
let stack: BatonStack;

beforeAll(() => {
  const app = new App();
  stack = new BatonStack(app, 'BatonTest', { secretName: SECRET, workerTimeout: Duration.minutes(5) });
  template = Template.fromStack(stack);
}, 120_000);

type Json = Record<string, unknown>;
const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Json][];
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as Parameters<BatonStack['getLogicalId']>[0]);

describe('BatonStack', () => {
  it('has one plain on-demand table with pk/sk strings, TTL on expiresAt and point-in-time recovery', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('has the sparse keys-only index that finds interrupted conversations, as the app defines it', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'intrShard', AttributeType: 'S' },
        { AttributeName: 'intrDue', AttributeType: 'N' },
      ]),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'interrupted',
          KeySchema: [
            { AttributeName: 'intrShard', KeyType: 'HASH' },
            { AttributeName: 'intrDue', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });

  it('queues turns on a FIFO queue without content dedup, with a FIFO dead-letter queue', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    const dlq = logicalId(stack.deadLetterQueue);
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      // Six times the worker's 300 s timeout.
      VisibilityTimeout: 1800,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 3 },
    });
    const dlqResource = template.findResources('AWS::SQS::Queue')[dlq] ?? {};
    expect((dlqResource.Properties as Json | undefined)?.FifoQueue).toBe(true);
  });

  it('runs both functions on Node.js 22 and feeds the worker one record at a time with partial failures', () => {
    const fns = resources('AWS::Lambda::Function').filter(
      ([, r]) => (r.Properties as Json).Handler === 'index.handler',
    );
    expect(fns).toHaveLength(2);
    for (const [, r] of fns) expect((r.Properties as Json).Runtime).toBe('nodejs22.x');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 300,
      Environment: { Variables: Match.objectLike({ BATON_SECRET_ID: SECRET, BATON_PLAYGROUND: 'off' }) },
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FunctionName: { Ref: logicalId(stack.worker) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.queue), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [logicalId(stack.ingress), 'Arn'] },
    });
  });

  it('keeps no secret in the template: functions get the secret name and read it at start', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/xoxb-|SLACK_SIGNING_SECRET|OPENAI_API_KEY/);
  });

  it("limits the worker's policy to its table, its queue and its secret", () => {
    const workerFn = template.findResources('AWS::Lambda::Function')[logicalId(stack.worker)] ?? {};
    const workerRole = (workerFn.Properties as Json).Role as { 'Fn::GetAtt': [string, string] };
    const roleId = workerRole['Fn::GetAtt'][0];
    const policies = resources('AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify((p.Properties as Json).Roles).includes(roleId),
    );
    expect(policies).toHaveLength(1);
    const policy = policies[0]?.[1] ?? {};
    const statements = ((policy.Properties as Json).PolicyDocument as Json).Statement as Json[];
    const table = logicalId(stack.table);
    const queue = logicalId(stack.queue);
    const allowed = (resource: unknown) => {
      const s = JSON.stringify(resource);
      return (
        s === JSON.stringify({ 'Fn::GetAtt': [table, 'Arn'] }) ||
        // The table's own indexes (the sparse index of interrupted conversations).
        s === JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/*']] }) ||
        s === JSON.stringify({ 'Fn::GetAtt': [queue, 'Arn'] }) ||
        s.includes(`:secret:${SECRET}-??????`)
      );
    };
    const actions = new Set<string>();
    for (const st of statements) {
      expect(st.Effect).toBe('Allow');
      const list = Array.isArray(st.Resource) ? st.Resource : [st.Resource];
      for (const r of list) expect(allowed(r), JSON.stringify(r)).toBe(true);
      for (const a of Array.isArray(st.Action) ? st.Action : [st.Action]) actions.add(String(a));
    }
    expect([...actions].every((a) => /^(dynamodb|sqs|secretsmanager):/.test(a))).toBe(true);
    expect(actions).toContain('sqs:ReceiveMessage');
    expect(actions).toContain('sqs:DeleteMessage');
    expect(actions).toContain('secretsmanager:GetSecretValue');
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions).not.toContain('sqs:SendMessage');
    expect([...actions].some((a) => a.endsWith(':*'))).toBe(false);
  });

  it('alarms on dead letters and worker errors', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.deadLetterQueue), 'QueueName'] } },
      ],
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.worker) } }],
    });
  });
});
