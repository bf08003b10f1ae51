import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { receiptEnvironment } from '../../functions/receipt/ports.ts';
import { acknowledgeDesignedFindings } from '../../infra/acknowledged-findings.ts';
import { HeraldFunction } from '../../infra/constructs/herald-function.ts';
import { HeraldTable } from '../../infra/constructs/herald-tables.ts';
import { Receipts } from '../../infra/constructs/receipts.ts';
import { ledgerTable, outcomesTable, usersTable } from '../../shared/resources/tables.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** A small stack holding the construct, the tables it reaches, and a worker that signs tokens. */
const receiptsStack = (app: App) => {
  const stack = new Stack(app, 'ReceiptsTest');
  const tables = new Map<string, TableV2>(
    [ledgerTable, outcomesTable, usersTable].map((d) => [d.id, new HeraldTable(stack, d).table]),
  );
  const receipts = new Receipts(stack, 'Receipts', { tables, messageLogStream: 'herald-messages' });
  const worker = new HeraldFunction(stack, 'DeliveryWorker', {
    entry: 'functions/delivery-worker/handler.ts',
    description: 'stands in for the delivery worker',
    timeout: Duration.seconds(10),
    environment: {},
  }).fn;
  receipts.grantSigning(worker);
  acknowledgeDesignedFindings(stack, { endpointArns: [], holdGroupName: 'holds', terminalQueues: [] });
  return stack;
};

let template: Template;
let resources: Resources;

/** Logical id of the resource of `type` whose logical id starts with `prefix`. */
const idOf = (type: string, prefix: string) =>
  Object.keys(resources).find((id) => id.startsWith(prefix) && resources[id]!.Type === type)!;

/** Every IAM statement of the role of the function whose logical id starts with `prefix`, in JSON. */
const statementsOf = (prefix: string) => {
  const fn = resources[idOf('AWS::Lambda::Function', prefix)]!;
  const role = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${role}"`))
    .flatMap(
      (r) =>
        (r.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    )
    .map((s) => ({ actions: [s.Action].flat(), resources: [s.Resource].flat() }));
};

const tableArn = (definitionId: string) => ({
  'Fn::GetAtt': [idOf('AWS::DynamoDB::GlobalTable', definitionId), 'Arn'],
});
const secretArn = () => ({ Ref: idOf('AWS::SecretsManager::Secret', 'ReceiptsReceiptKey') });

describe('the Receipts construct', () => {
  beforeAll(() => {
    // Bundling is esbuild's job; the template is what is checked here.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    template = Template.fromStack(receiptsStack(app));
    resources = (template.toJSON() as { Resources: Resources }).Resources;
  });

  it('serves the receipt function on a Function URL with auth NONE, the token being the auth', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'ReceiptsReceipt'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
      Environment: { Variables: Match.objectLike({ RECEIPT_KEY_SECRET_ARN: secretArn() }) },
    });
  });

  it('gives the function exactly the environment its ports read', () => {
    const fn = resources[idOf('AWS::Lambda::Function', 'ReceiptsReceipt')]!;
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

    expect(Object.keys(variables).sort()).toEqual(
      [
        ...Object.keys(receiptEnvironment.shape),
        'NODE_OPTIONS',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
      ].sort(),
    );
  });

  it('keeps the key in a generated secret of 64 letters and digits', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  // Outcomes UpdateItem: the receipt's counter, and the invocation's usage on overhead line `receipts`.
  it('grants the receipt function exactly: the key, Ledger GetItem and PutItem, Outcomes UpdateItem', () => {
    const granted = statementsOf('ReceiptsReceipt').filter(
      (s) => !s.actions.some((a) => a.startsWith('xray:')),
    );

    expect(granted).toEqual([
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [tableArn(ledgerTable.id)] },
      { actions: ['dynamodb:UpdateItem'], resources: [tableArn(outcomesTable.id)] },
      { actions: ['secretsmanager:GetSecretValue'], resources: [secretArn()] },
    ]);
  });

  // Where the key is reaches a signing function through its ports' environment (port-environment.ts).
  it('lets a signing function read the key, and nothing else', () => {
    const granted = statementsOf('DeliveryWorker').filter(
      (s) => !s.actions.some((a) => a.startsWith('xray:')),
    );

    expect(granted).toEqual([{ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn()] }]);
  });

  it('passes the cdk-nag AWS Solutions checks, but for the findings acknowledged with a reason', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [] },
      outdir: mkdtempSync(join(tmpdir(), 'herald-nag-')),
    });
    receiptsStack(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).not.toThrow();
  });
});
