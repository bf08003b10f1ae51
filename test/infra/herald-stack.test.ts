import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineHerald } from '../../infra/herald-app.ts';
import { HeraldDataStack } from '../../infra/herald-data-stack.ts';
import { HeraldStack } from '../../infra/herald-stack.ts';
import { defaultCatalog, marketplaceSetFiles } from '../../shared/domain/recipes/default-catalog.ts';

const apns = 'arn:aws:sns:us-east-1:123456789012:app/APNS/herald';
const fcm = 'arn:aws:sns:us-east-1:123456789012:app/GCM/herald';

let service: Template;
let data: Template;
let json: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

/** Logical id of the function whose logical id starts with `prefix`. */
const functionIdOf = (prefix: string) =>
  Object.keys(json.Resources).find(
    (id) => id.startsWith(prefix) && json.Resources[id]!.Type === 'AWS::Lambda::Function',
  )!;

/** Every IAM statement attached to the role of the function whose logical id starts with `prefix`. */
const rawStatementsOf = (prefix: string) => {
  const functionId = functionIdOf(prefix);
  const role = (json.Resources[functionId]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${role}"`))
    .flatMap(
      (r) =>
        (r.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    )
    .map((s) => ({ actions: [s.Action].flat(), resources: [s.Resource].flat() }));
};
const statementsOf = (prefix: string) =>
  rawStatementsOf(prefix).map((s) => ({
    actions: s.actions,
    resource: JSON.stringify(s.resources.length === 1 ? s.resources[0] : s.resources),
  }));
const actionsOf = (prefix: string) => statementsOf(prefix).flatMap((s) => s.actions);

/**
 * A function's DynamoDB actions by table id (`Relations`), without the `dynamodb:` prefix, sorted.
 * A resource that is no table's ARN (`*`, an index) is listed under its JSON, so it shows in a diff.
 */
const tableActionsOf = (prefix: string) => {
  const byTable: Record<string, string[]> = {};
  for (const { actions, resources } of rawStatementsOf(prefix)) {
    const dynamodb = actions.filter((a) => a.startsWith('dynamodb:')).map((a) => a.slice('dynamodb:'.length));
    if (dynamodb.length === 0) continue;
    for (const resource of resources) {
      const text = JSON.stringify(resource);
      const table =
        /^\{"Fn::ImportValue":"HeraldData:ExportsOutputFnGetAtt([A-Za-z]+)Table[0-9A-F]{8}Arn[0-9A-F]{8}"\}$/.exec(
          text,
        )?.[1] ?? text;
      byTable[table] = [...new Set([...(byTable[table] ?? []), ...dynamodb])].sort();
    }
  }
  return byTable;
};

describe('the Herald CDK app', () => {
  beforeAll(() => {
    // Bundling is esbuild's job and costs seconds per function; the template is what is checked here.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const dataStack = new HeraldDataStack(app, 'HeraldData');
    const stack = new HeraldStack(app, 'Herald', {
      tables: dataStack.tables,
      platformApplicationArns: { APNS: apns, FCM: fcm },
    });
    data = Template.fromStack(dataStack);
    service = Template.fromStack(stack);
    json = service.toJSON() as typeof json;
  });

  it('keeps every table in the data stack, with TTL where the definition has it, retained', () => {
    data.resourceCountIs('AWS::DynamoDB::GlobalTable', 6);
    data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    // No index on any table: the relations' bySource index doubled every relation write and no
    // feature read it.
    for (const table of Object.values(data.findResources('AWS::DynamoDB::GlobalTable')))
      expect(table.Properties.GlobalSecondaryIndexes).toBeUndefined();
    data.allResources('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    service.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
  });

  it('runs every function on Node.js 24, arm64', () => {
    const functions = service.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(8);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
  });

  it('generates one rule per recipe, handing the planner the recipe id and the event', () => {
    for (const recipe of defaultCatalog().recipes) {
      service.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: [recipe.trigger.source], 'detail-type': [recipe.trigger.detailType] },
        Targets: [
          Match.objectLike({
            InputTransformer: {
              InputPathsMap: { f1: '$' },
              InputTemplate: `{"recipeId":"${recipe.id}","event":<f1>}`,
            },
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 },
            DeadLetterConfig: Match.objectLike({}),
          }),
        ],
      });
    }
  });

  it('routes relation events to the relation writer and keeps unexpected ones', () => {
    service.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['market.social'],
        'detail-type': ['ItemViewed', 'ItemFavorited', 'UserFollowed', 'UserUnfollowed'],
      },
    });
    service.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['market.items'],
        'detail-type': [{ 'anything-but': ['ItemListed', 'PriceDropped'] }],
      },
    });
  });

  it('keeps events of unknown sources on the rejected-events queue, the reason quoting the source', () => {
    service.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: [{ 'anything-but': ['herald.canary', 'market.items', 'market.offers', 'market.social'] }],
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RejectedEventsQueue'), 'Arn'] },
          InputTransformer: {
            InputPathsMap: Match.objectLike({ source: '$.source' }),
            InputTemplate: Match.stringLikeRegexp(
              '"reason":"source: no recipe or relation rule expects \\\\"<source>\\\\""',
            ),
          },
        }),
      ],
    });
  });

  it('redrives fan-out and delivery messages to dead-letter queues, and alarms on them', () => {
    const redriven = Object.values(service.findResources('AWS::SQS::Queue')).filter(
      (q) => q.Properties?.RedrivePolicy,
    );
    expect(redriven.map((q) => q.Properties.RedrivePolicy.maxReceiveCount)).toEqual([5, 5]);
    for (const queue of ['FanoutQueueDeadLetters', 'DeliveryQueueDeadLetters']) {
      service.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}`), 'QueueName'] } },
        ],
      });
    }
    service.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('consumes both queues reporting partial batch failures', () => {
    service.resourcePropertiesCountIs(
      'AWS::Lambda::EventSourceMapping',
      { FunctionResponseTypes: ['ReportBatchItemFailures'] },
      2,
    );
  });

  it('gives each function only the rights its use case needs', () => {
    const devicesTableGrants = (prefix: string) =>
      statementsOf(prefix).filter((st) => st.resource.includes('Devices'));
    expect(devicesTableGrants('RelationsWriter')).toEqual([]);
    expect(devicesTableGrants('FanoutPlanner')).toEqual([]);
    // The fan-out worker reads devices only for campaign segments: a Scan page, and devices of listed users.
    expect(
      devicesTableGrants('FanoutWorker')
        .flatMap((st) => st.actions)
        .sort(),
    ).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Scan']);
    // The campaign function reads devices for dry runs only, and never changes one.
    expect(
      devicesTableGrants('CampaignsFunction')
        .flatMap((st) => st.actions)
        .filter((a) => !['dynamodb:Scan', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'].includes(a)),
    ).toEqual([]);
    expect(devicesTableGrants('DeliveryWorker')).not.toEqual([]);
    expect(
      actionsOf('RelationsWriter').some((a) => a.startsWith('sns:') || a.startsWith('sqs:Receive')),
    ).toBe(false);
    expect(actionsOf('FanoutPlanner').some((a) => a.startsWith('sns:'))).toBe(false);
    expect(actionsOf('FanoutWorker').some((a) => a.startsWith('sns:'))).toBe(false);
    expect(statementsOf('DeliveryWorker').find((s) => s.actions.includes('sns:Publish'))?.resource).toBe(
      JSON.stringify([`${apns.replace(':app/', ':endpoint/')}/*`, `${fcm.replace(':app/', ':endpoint/')}/*`]),
    );
  });

  it('lets the fan-out worker hold pushes as one-time schedules that only reach the delivery queue', () => {
    // Two groups: quiet-hour holds, and campaign runs launched later (test/infra/campaigns.test.ts).
    service.resourceCountIs('AWS::Scheduler::ScheduleGroup', 2);
    const create = statementsOf('FanoutWorker').find((st) => st.actions.includes('scheduler:CreateSchedule'));
    expect(create?.resource).toContain(':schedule/Herald-holds/*');
    expect(actionsOf('FanoutWorker')).toContain('iam:PassRole');
    service.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ],
      }),
    });
  });

  it('serves device registration on a Function URL that only SigV4-signed (AWS_IAM) callers reach', () => {
    // Three URLs: this one, the campaigns' (also AWS_IAM), and the receipts', whose tokens are their own authentication.
    service.resourceCountIs('AWS::Lambda::Url', 3);
    service.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReceiptsReceiptFunction'), 'Arn'] },
    });
    service.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      TargetFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DevicesRegistrationFunction'), 'Arn'] },
    });
  });

  it('lets registration manage endpoints only in Herald’s platform applications', () => {
    const endpoints = JSON.stringify([
      `${apns.replace(':app/', ':endpoint/')}/*`,
      `${fcm.replace(':app/', ':endpoint/')}/*`,
    ]);
    const statements = statementsOf('DevicesRegistration');
    expect(statements.find((st) => st.actions.includes('sns:CreatePlatformEndpoint'))?.resource).toBe(
      JSON.stringify([apns, fcm]),
    );
    expect(statements.find((st) => st.actions.includes('sns:SetEndpointAttributes'))).toEqual({
      actions: ['sns:GetEndpointAttributes', 'sns:SetEndpointAttributes', 'sns:DeleteEndpoint'],
      resource: endpoints,
    });
    expect(actionsOf('DevicesRegistration')).not.toContain('sns:Publish');
    expect(actionsOf('DevicesRegistration').some((a) => a.startsWith('sqs:'))).toBe(false);
  });

  it('purges stale devices once a day, deleting only endpoints, with failed invocations kept', () => {
    service.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DevicesPurgeFunction'), 'Arn'] },
          DeadLetterConfig: Match.objectLike({}),
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    });
    service.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: 900,
      Environment: { Variables: Match.objectLike({ DEVICE_MAX_AGE_DAYS: '90' }) },
    });
    expect(actionsOf('DevicesPurge').filter((a) => a.startsWith('sns:'))).toEqual(['sns:DeleteEndpoint']);
    expect(actionsOf('DevicesPurge')).toContain('dynamodb:Scan');
  });

  it('lets the delivery worker send follow-up jobs to its own queue', () => {
    const [mapping] = Object.values(service.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (m) => m.Properties.FunctionName.Ref === functionIdOf('DeliveryWorker'),
    );
    const ownQueue = mapping!.Properties.EventSourceArn;

    const sendsTo = rawStatementsOf('DeliveryWorker')
      .filter((s) => s.actions.includes('sqs:SendMessage'))
      .flatMap((s) => s.resources);

    expect(sendsTo).toContainEqual(ownQueue);
  });

  it("lets only the delivery worker put events, on Herald's own bus, whose name it is told (emit actions)", () => {
    const [busId] = Object.keys(service.findResources('AWS::Events::EventBus'));
    const putters = Object.keys(json.Resources)
      .filter((id) => json.Resources[id]!.Type === 'AWS::Lambda::Function')
      .filter((id) => rawStatementsOf(id).some((s) => s.actions.includes('events:PutEvents')))
      .map((id) => id.replace(/Function[0-9A-F]{8}$/, ''));

    expect(putters).toEqual(['DeliveryWorker']);
    expect(rawStatementsOf('DeliveryWorker').find((s) => s.actions.includes('events:PutEvents'))).toEqual({
      actions: ['events:PutEvents'],
      resources: [{ 'Fn::GetAtt': [busId, 'Arn'] }],
    });
    const environment = json.Resources[functionIdOf('DeliveryWorker')]!.Properties.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(environment.Variables.HERALD_EVENT_BUS_NAME).toBe('Herald-bus');
    expect(service.findResources('AWS::Events::EventBus')[busId!]!.Properties.Name).toBe('Herald-bus');
  });

  it('lets each worker shorten the visibility of messages of its own queue only', () => {
    const sourceQueueOf = (prefix: string) =>
      Object.values(service.findResources('AWS::Lambda::EventSourceMapping')).find(
        (m) => m.Properties.FunctionName.Ref === functionIdOf(prefix),
      )!.Properties.EventSourceArn;
    const changesVisibilityOn = (prefix: string) =>
      rawStatementsOf(prefix)
        .filter((s) => s.actions.includes('sqs:ChangeMessageVisibility'))
        .flatMap((s) => s.resources);

    const fanoutQueue = sourceQueueOf('FanoutWorker');
    const deliveryQueue = sourceQueueOf('DeliveryWorker');

    expect(changesVisibilityOn('FanoutWorker')).toContainEqual(fanoutQueue);
    expect(changesVisibilityOn('FanoutWorker')).not.toContainEqual(deliveryQueue);
    expect(changesVisibilityOn('DeliveryWorker')).toContainEqual(deliveryQueue);
    expect(changesVisibilityOn('DeliveryWorker')).not.toContainEqual(fanoutQueue);
    expect(changesVisibilityOn('FanoutPlanner')).toEqual([]);
  });

  it('keeps each SQS event source’s messages invisible for at least six times its consumer’s timeout', () => {
    const mappings = Object.values(service.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(2);
    for (const mapping of mappings) {
      const queueId = mapping.Properties.EventSourceArn['Fn::GetAtt'][0] as string;
      const functionId = mapping.Properties.FunctionName.Ref as string;
      // CloudFormation's defaults when the template leaves them out: 30 s visibility, 3 s timeout.
      const visibility = (json.Resources[queueId]!.Properties.VisibilityTimeout as number | undefined) ?? 30;
      const timeout = (json.Resources[functionId]!.Properties.Timeout as number | undefined) ?? 3;
      const batchingWindow = (mapping.Properties.MaximumBatchingWindowInSeconds as number | undefined) ?? 0;

      expect(visibility, `${queueId} consumed by ${functionId}`).toBeGreaterThanOrEqual(
        6 * timeout + batchingWindow,
      );
    }
  });

  it('grants each function exactly the DynamoDB actions its adapters call, each on its own table', () => {
    // Change a line here together with infra/table-access.ts when an adapter starts another call.
    const fanOut = {
      Relations: ['GetItem', 'PutItem', 'Query', 'UpdateItem'],
      Users: ['BatchGetItem'],
      Ledger: ['BatchGetItem', 'BatchWriteItem', 'GetItem', 'PutItem', 'UpdateItem'],
      Outcomes: ['UpdateItem'],
    };
    const expected = {
      // Work of no single message adds its usage to an overhead line in the outcomes table.
      RelationsWriter: { Relations: ['GetItem', 'PutItem'], Outcomes: ['UpdateItem'] },
      FanoutPlanner: fanOut,
      FanoutWorker: {
        ...fanOut,
        Campaigns: ['GetItem', 'UpdateItem'],
        Devices: ['BatchGetItem', 'Scan'],
      },
      DeliveryWorker: {
        Devices: ['BatchGetItem', 'UpdateItem'],
        Users: ['BatchGetItem'],
        Ledger: ['GetItem', 'PutItem', 'UpdateItem'],
        Outcomes: ['UpdateItem'],
        Campaigns: ['GetItem', 'PutItem'],
      },
      CampaignsFunction: {
        Campaigns: ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'Scan'],
        Relations: ['GetItem', 'Query'],
        Devices: ['BatchGetItem', 'DescribeTable', 'Scan'],
        Users: ['BatchGetItem'],
        Ledger: ['PutItem'],
        Outcomes: ['Query', 'UpdateItem'],
      },
      DevicesRegistration: { Devices: ['BatchGetItem', 'UpdateItem'], Outcomes: ['UpdateItem'] },
      DevicesPurge: { Devices: ['BatchGetItem', 'Scan', 'UpdateItem'], Outcomes: ['UpdateItem'] },
    };

    const granted = Object.fromEntries(
      Object.keys(expected).map((prefix) => [prefix, tableActionsOf(prefix)]),
    );

    expect(granted).toEqual(expected);
  });

  it('sends events the planner or relation writer keep failing on to the undeliverable queue, and launches to theirs', () => {
    const configs = Object.values(service.findResources('AWS::Lambda::EventInvokeConfig'));

    expect(configs).toHaveLength(3);
    for (const config of configs) {
      expect(config.Properties).toMatchObject({
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: expect.anything() } },
      });
    }
  });

  it('refuses at synth a recipe whose pattern EventBridge would refuse, with its reason', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const dataStack = new HeraldDataStack(app, 'HeraldData2');
    const recipe = {
      ...defaultCatalog().get('followed-seller-new-item'),
      trigger: { source: 'market.items', detailType: 'ItemListed', detailPattern: { price: [] } },
    };
    const set = marketplaceSetFiles();

    expect(
      () =>
        new HeraldStack(app, 'Herald2', {
          tables: dataStack.tables,
          platformApplicationArns: {},
          recipeSet: { ...set, recipes: [{ file: 'recipes/bad.json', content: recipe }] },
        }),
    ).toThrow(/Event pattern is not valid\. Reason: Empty arrays are not allowed/);
  });

  describe('context values', () => {
    const appWith = (context: Record<string, unknown>) =>
      new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });

    it.each(['abc', '0', '-3', '1.5', '4000'])(
      'refuses deviceMaxAgeDays=%s, naming the key and why',
      (days) => {
        const app = appWith({ deviceMaxAgeDays: days });

        expect(() => defineHerald(app)).toThrow(
          `context deviceMaxAgeDays: "${days}" is not a whole number of days from 1 to 3650`,
        );
      },
    );

    it.each([
      ['apnsApplicationArn', 'herald', 'APNS'],
      ['apnsSandboxApplicationArn', apns, 'APNS_SANDBOX'],
      ['fcmApplicationArn', apns, 'FCM'],
      ['fcmApplicationArn', 'arn:aws:sns:us-east-1:123456789012:endpoint/GCM/herald/1', 'FCM'],
    ])('refuses %s=%s, naming the key and why', (key, arn, platform) => {
      const app = appWith({ [key]: arn });

      expect(() => defineHerald(app)).toThrow(
        `context ${key}: "${arn}" is not the ARN of an SNS platform application for ${platform}`,
      );
    });

    it('configures the stack from valid values', () => {
      const app = appWith({ deviceMaxAgeDays: '180', apnsApplicationArn: apns, fcmApplicationArn: fcm });

      defineHerald(app);

      Template.fromStack(app.node.findChild('Herald') as HeraldStack).hasResourceProperties(
        'AWS::Lambda::Function',
        {
          Environment: {
            Variables: Match.objectLike({
              DEVICE_MAX_AGE_DAYS: '180',
              APNS_APPLICATION_ARN: apns,
              FCM_APPLICATION_ARN: fcm,
            }),
          },
        },
      );
    });
  });

  it('passes the cdk-nag AWS Solutions checks, but for the findings acknowledged with a reason', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [] },
      outdir: mkdtempSync(join(tmpdir(), 'herald-nag-')),
    });
    const dataStack = new HeraldDataStack(app, 'HeraldData');
    new HeraldStack(app, 'Herald', {
      tables: dataStack.tables,
      platformApplicationArns: { APNS: apns, FCM: fcm },
      budget: { monthlyUsd: 500, email: 'finance@example.com' },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).not.toThrow();
  });
});
