/**
 * The CDK app: `npm run infra:synth` / `infra:deploy`. Settings come from context (`-c secretName=baton/prod`)
 * so the stack stays environment-agnostic and synthesizes offline without credentials.
 */
import { App, Duration } from 'aws-cdk-lib';
import { BatonStack } from '../lib/baton-stack.js';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const workerTimeoutSeconds = Number(context('workerTimeoutSeconds') ?? 300);

new BatonStack(app, context('stackName') ?? 'Baton', {
  secretName: context('secretName') ?? 'baton/app',
  workerTimeout: Duration.seconds(workerTimeoutSeconds),
  environment: {
    ...(context('openaiModel') ? { OPENAI_MODEL: context('openaiModel') ?? '' } : {}),
    ...(context('microsoftAppId') ? { MicrosoftAppId: context('microsoftAppId') ?? '' } : {}),
    ...(context('microsoftAppTenantId')
      ? { MicrosoftAppTenantId: context('microsoftAppTenantId') ?? '' }
      : {}),
  },
});
