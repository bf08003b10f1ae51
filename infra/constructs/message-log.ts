import { Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import {
  EventField,
  type EventPattern,
  type IEventBus,
  type IRule,
  Rule,
  RuleTargetInput,
  type RuleTargetInputProperties,
} from 'aws-cdk-lib/aws-events';
import { FirehoseDeliveryStream } from 'aws-cdk-lib/aws-events-targets';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Compression, DeliveryStream, S3Bucket, StreamEncryption } from 'aws-cdk-lib/aws-kinesisfirehose';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { dayColumn, recordColumns } from '../../shared/adapters/message-log/queries.ts';
import type { BusRule } from '../../shared/domain/routing/bus-rules.ts';

export interface MessageLogProps {
  /** Days a record is kept in S3 before it expires. Default 400 (a year and a season, for year-on-year). */
  readonly retentionDays?: number;
  /** Days Athena's result files are kept. Default 7. */
  readonly queryResultDays?: number;
  /** An Athena query that would scan more stops there. Default 10 GiB. */
  readonly bytesScannedCutoffPerQuery?: Size;
}

const messagesPrefix = 'messages/';
const resultsPrefix = 'athena-results/';
/** The first day partition projection knows; earlier days hold no records. */
const firstDay = '2026-01-01';

/** A Glue name from a stack name: lower case, `_` for anything else. */
const glueName = (text: string) => text.toLowerCase().replace(/[^a-z0-9_]+/g, '_');

/**
 * Appends a newline to what a rule hands its target, so that records EventBridge puts into
 * Firehose stay one a line in S3, as the JSON SerDe reads them.
 */
class NdjsonLine extends RuleTargetInput {
  readonly #record: RuleTargetInput;

  constructor(record: RuleTargetInput) {
    super();
    this.#record = record;
  }

  bind(rule: IRule): RuleTargetInputProperties {
    const bound = this.#record.bind(rule);
    return { ...bound, inputTemplate: `${bound.inputTemplate}\n` };
  }
}

/**
 * The message log on AWS: Amazon Data Firehose batches records into S3 by day (GZIP: a fifth of
 * the bytes to keep and for Athena to scan; Athena reads `.gz` text files as they are), a Glue
 * table describes them (JSON SerDe, partition projection on `day`, so no crawler and no
 * partition to add), and an Athena workgroup queries them with its results encrypted in the
 * same bucket. Stateful: the bucket is retained when the stack goes.
 *
 * Functions that append get `grantAppend` (PutRecord on the stream only); people and tools
 * that read get `grantQuery`. Conversions reach the log without a function: `routeConversions`.
 */
export class MessageLog extends Construct {
  readonly bucket: Bucket;
  readonly stream: DeliveryStream;
  readonly databaseName: string;
  readonly tableName = 'messages';
  readonly workgroupName: string;
  readonly #workgroup: CfnWorkGroup;

  constructor(scope: Construct, id: string, props: MessageLogProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-messages',
          prefix: messagesPrefix,
          expiration: Duration.days(props.retentionDays ?? 400),
        },
        {
          id: 'expire-query-results',
          prefix: resultsPrefix,
          expiration: Duration.days(props.queryResultDays ?? 7),
        },
        {
          id: 'expire-delivery-errors',
          prefix: 'errors/',
          expiration: Duration.days(props.retentionDays ?? 400),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only Firehose writes this bucket and only Athena reads it, both through IAM and logged by CloudTrail; server access logs would add a bucket and a write per request for no question they answer.',
    });

    this.stream = new DeliveryStream(this, 'Stream', {
      encryption: StreamEncryption.awsOwnedKey(),
      destination: new S3Bucket(this.bucket, {
        dataOutputPrefix: `${messagesPrefix}${dayColumn}=!{timestamp:yyyy-MM-dd}/`,
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/day=!{timestamp:yyyy-MM-dd}/',
        bufferingInterval: Duration.seconds(60),
        bufferingSize: Size.mebibytes(5),
        compression: Compression.GZIP,
      }),
    });
    const deliveryWildcards = ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'];
    for (const action of deliveryWildcards)
      Validations.of(this.stream).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: "Firehose's delivery role gets CDK's grant on this one bucket, the only place it writes.",
      });
    Validations.of(stack).acknowledge({
      id: 'CloudFormation-Validate::W7001',
      reason:
        "aws-cdk-lib's DeliveryStream always adds its region CIDR mapping, used only by destinations inside a VPC; this one writes to S3.",
    });
    Validations.of(this.stream).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.#logicalId(this.bucket)}.Arn>/*]`,
      reason: 'Firehose writes objects under day prefixes it names at delivery time, in this bucket only.',
    });

    this.databaseName = glueName(`${stack.stackName}_message_log`);
    const database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: 'Herald message log: every step of every message',
      },
    });
    const messages = `s3://${this.bucket.bucketName}/${messagesPrefix}`;
    const table = new CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: 'One row per step of a message (shared/domain/engagement/message-log.ts)',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: dayColumn, type: 'string' }],
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          [`projection.${dayColumn}.type`]: 'date',
          [`projection.${dayColumn}.format`]: 'yyyy-MM-dd',
          [`projection.${dayColumn}.range`]: `${firstDay},NOW`,
          [`projection.${dayColumn}.interval`]: '1',
          [`projection.${dayColumn}.interval.unit`]: 'DAYS',
          'storage.location.template': `${messages}${dayColumn}=\${${dayColumn}}/`,
        },
        storageDescriptor: {
          location: messages,
          columns: recordColumns.map((name) => ({ name: name.toLowerCase(), type: 'string' })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // Keys are camelCase in the records; one torn line must not fail a whole query.
            parameters: { 'case.insensitive': 'TRUE', 'ignore.malformed.json': 'TRUE' },
          },
        },
      },
    });
    table.node.addDependency(database);

    this.workgroupName = `${stack.stackName}-message-log`;
    this.#workgroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workgroupName,
      description: 'Herald message log queries (herald trace / stats --aws)',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: (props.bytesScannedCutoffPerQuery ?? Size.gibibytes(10)).toBytes(),
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/${resultsPrefix}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }

  /** Lets `grantee` append batches: PutRecord and PutRecordBatch on this stream, nothing else. */
  grantAppend(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
      resourceArns: [this.stream.deliveryStreamArn],
    });
  }

  /**
   * Lets `grantee` run traces and stats: queries in this workgroup, the table's definition, the
   * records, and the workgroup's result files (which Athena writes as the caller).
   */
  grantQuery(grantee: IGrantable): Grant {
    const stack = Stack.of(this);
    const glue = (resource: string) => stack.formatArn({ service: 'glue', resource });
    const athena = Grant.addToPrincipal({
      grantee,
      actions: [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
      ],
      resourceArns: [
        stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.#workgroup.name }),
      ],
    });
    athena.combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resourceArns: [
          glue('catalog'),
          glue(`database/${this.databaseName}`),
          glue(`table/${this.databaseName}/${this.tableName}`),
        ],
      }),
    );
    athena.combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:GetBucketLocation', 's3:ListBucket'],
        resourceArns: [this.bucket.bucketArn],
      }),
    );
    athena.combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:GetObject'],
        resourceArns: [
          this.bucket.arnForObjects(`${messagesPrefix}*`),
          this.bucket.arnForObjects(`${resultsPrefix}*`),
        ],
      }),
    );
    athena.combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resourceArns: [this.bucket.arnForObjects(`${resultsPrefix}*`)],
      }),
    );
    // Object names are made at run time (by Firehose, by Athena): each prefix is the narrowest grant.
    if (Construct.isConstruct(grantee))
      for (const prefix of [messagesPrefix, resultsPrefix])
        Validations.of(grantee).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${this.#logicalId(this.bucket)}.Arn>/${prefix}*]`,
          reason: `Records and query results are objects named at run time; the grant covers only ${prefix} of the message log bucket.`,
        });
    return athena;
  }

  /** The logical id CloudFormation gives `bucket`, as cdk-nag names it in findings. */
  #logicalId(bucket: Bucket): string {
    const arn = Stack.of(this).resolve(bucket.bucketArn) as { 'Fn::GetAtt': [string, string] };
    return arn['Fn::GetAtt'][0];
  }

  /**
   * Routes the conversion events (`conversionRules(catalog)`) of `bus` straight into the stream:
   * an input transformer turns each event into its `converted` record, one NDJSON line, with no
   * function in between. The rules live with the bus (in its stack).
   *
   * @example log.routeConversions(bus, conversionRules(catalog))
   */
  routeConversions(bus: IEventBus, rules: readonly BusRule[]): Rule[] {
    return rules.map((rule) => {
      if (rule.target !== 'conversion') throw new Error(`rule ${rule.name} does not target conversions`);
      const userField = rule.input?.constants.userField ?? '';
      if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(userField))
        throw new Error(
          `rule ${rule.name}: user field "${userField}" is not a dotted path EventBridge can read`,
        );
      const record = RuleTargetInput.fromObject({
        time: EventField.time,
        step: 'converted',
        scope: '',
        variant: '',
        eventId: EventField.eventId,
        userId: EventField.fromPath(`$.detail.${userField}`),
      });
      const { 'detail-type': detailType, ...pattern } = rule.pattern;
      // CDK types content filters as strings but renders any value as is.
      const eventPattern = { ...pattern, ...(detailType ? { detailType } : {}) } as EventPattern;
      return new Rule(bus, `Rule-${rule.name}`, {
        eventBus: bus,
        description: rule.description.slice(0, 512),
        eventPattern,
        targets: [new FirehoseDeliveryStream(this.stream, { message: new NdjsonLine(record) })],
      });
    });
  }
}
