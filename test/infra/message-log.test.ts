import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Size, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { MessageLog } from '../../infra/constructs/message-log.ts';
import { recordColumns } from '../../shared/adapters/message-log/queries.ts';
import { defaultCatalog } from '../../shared/domain/recipes/default-catalog.ts';
import { RecipeCatalog } from '../../shared/domain/recipes/recipe.ts';
import { conversionRules } from '../../shared/domain/routing/bus-rules.ts';
import { applyInputTransformer } from '../../shared/event-patterns/index.ts';

const catalogWithConversion = () => {
  const [recipe] = defaultCatalog().recipes;
  return new RecipeCatalog([
    { ...recipe, conversion: { source: 'market.orders', detailType: 'OrderPlaced', userField: 'buyer.id' } },
  ]);
};

/** A small stack: the log, a function that appends, a role that queries, a bus whose conversions go to the log. */
const testStack = (app: App) => {
  const stack = new Stack(app, 'LogTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const log = new MessageLog(stack, 'MessageLog', {
    retentionDays: 30,
    bytesScannedCutoffPerQuery: Size.gibibytes(1),
  });
  const writer = new LambdaFunction(stack, 'Writer', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => undefined'),
  });
  log.grantAppend(writer);
  Validations.of(writer).acknowledge(
    { id: 'AwsSolutions-L1', reason: 'A stand-in for the function that appends, never deployed.' },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The basic execution role only lets a function write its own logs.',
    },
  );
  const analyst = new Role(stack, 'Analyst', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  log.grantQuery(analyst);
  const bus = new EventBus(stack, 'Bus');
  log.routeConversions(bus, conversionRules(catalogWithConversion()));
  return { stack, log };
};

describe('MessageLog construct', () => {
  let template: Template;
  let json: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

  beforeAll(() => {
    const { stack } = testStack(new App());
    template = Template.fromStack(stack);
    json = template.toJSON() as typeof json;
  });

  const statementsOf = (roleIdPrefix: string) =>
    Object.values(json.Resources)
      .filter(
        (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleIdPrefix),
      )
      .flatMap(
        (r) =>
          (r.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
      )
      .map((s) => ({ actions: [s.Action].flat(), resources: [s.Resource].flat() }));

  it('keeps records in an encrypted, private bucket that expires them and is retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Prefix: 'messages/', ExpirationInDays: 30, Status: 'Enabled' }),
            Match.objectLike({ Prefix: 'athena-results/', ExpirationInDays: 7, Status: 'Enabled' }),
          ]),
        },
      },
    });
  });

  it('refuses every request to the bucket that is not over TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('delivers through Firehose into day partitions, GZIP, 5 MB or 60 s, encrypted', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'messages/day=!{timestamp:yyyy-MM-dd}/',
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/day=!{timestamp:yyyy-MM-dd}/',
        BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 5 },
        CompressionFormat: 'GZIP',
      }),
    });
  });

  it('describes the records with a Glue table: every record column, JSON SerDe, projection on day', () => {
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'logtest_message_log' } });
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'logtest_message_log',
      TableInput: {
        Name: 'messages',
        PartitionKeys: [{ Name: 'day', Type: 'string' }],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.day.type': 'date',
          'projection.day.format': 'yyyy-MM-dd',
          'projection.day.range': '2026-01-01,NOW',
          'storage.location.template': Match.anyValue(),
        }),
        StorageDescriptor: Match.objectLike({
          Columns: recordColumns.map((c) => ({ Name: c.toLowerCase(), Type: 'string' })),
          SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' }),
        }),
      },
    });
  });

  it('queries in a workgroup that enforces encrypted results under athena-results/', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'LogTest-message-log',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 1024 ** 3,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', Match.anyValue(), '/athena-results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      },
    });
  });

  it('lets the appending function put records on the stream, and nothing else', () => {
    const statements = statementsOf('Writer');
    expect(statements.map((s) => s.actions)).toEqual([['firehose:PutRecord', 'firehose:PutRecordBatch']]);
    expect(statements[0]!.resources).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^MessageLogStream[0-9A-F]+$/), 'Arn'] },
    ]);
  });

  it('lets the querying role use its workgroup, table and objects only', () => {
    const statements = statementsOf('Analyst');
    expect(statements.map((s) => s.actions)).toEqual([
      [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
      ],
      ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
      ['s3:GetBucketLocation', 's3:ListBucket'],
      ['s3:GetObject'],
      ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
    ]);
    expect(JSON.stringify(statements[0]!.resources)).toContain(':workgroup/LogTest-message-log');
    expect(JSON.stringify(statements[4]!.resources)).toContain('/athena-results/*');
  });

  it('routes conversion events to the stream as one NDJSON record each, with no function', () => {
    const rules = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const rule = rules[0]!.Properties as {
      EventPattern: unknown;
      Targets: {
        Arn: unknown;
        InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
      }[];
    };
    expect(rule.EventPattern).toEqual({ source: ['market.orders'], 'detail-type': ['OrderPlaced'] });
    const [target] = rule.Targets;
    expect(JSON.stringify(target!.Arn)).toMatch(/MessageLogStream/);
    expect(target!.InputTransformer.InputTemplate.endsWith('}\n')).toBe(true);

    const delivered = applyInputTransformer(
      {
        inputPathsMap: target!.InputTransformer.InputPathsMap,
        inputTemplate: target!.InputTransformer.InputTemplate.trimEnd(),
      },
      {
        version: '0',
        id: 'order-1',
        'detail-type': 'OrderPlaced',
        source: 'market.orders',
        account: '123456789012',
        time: '2026-11-21T14:00:00Z',
        region: 'eu-west-1',
        resources: [],
        detail: { buyer: { id: 'u1' } },
      },
    );
    expect(JSON.parse(delivered)).toEqual({
      time: '2026-11-21T14:00:00Z',
      step: 'converted',
      scope: '',
      variant: '',
      eventId: 'order-1',
      userId: 'u1',
    });
  });

  it('passes the cdk-nag AWS Solutions checks, but for the findings acknowledged with a reason', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'herald-nag-')) });
    testStack(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).not.toThrow();
  });
});
